# SPDX-License-Identifier: Apache-2.0
# Runs Determinism.PrintDigest twice in separate processes and compares the digests.
#   cmake -DEXE=<smmu_robustness_tests> -P check_digest.cmake
set(_digests "")
foreach(_perturb 0 165)
  set(ENV{MALLOC_PERTURB_} ${_perturb})
  execute_process(COMMAND ${EXE} --gtest_filter=Determinism.PrintDigest
                  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "run with MALLOC_PERTURB_=${_perturb} failed (${_rc}):\n${_out}${_err}")
  endif()
  string(REGEX MATCH "determinism-digest [0-9a-f]+" _d "${_out}")
  if(NOT _d)
    message(FATAL_ERROR "no digest in the output:\n${_out}")
  endif()
  list(APPEND _digests "${_d}")
endforeach()
list(GET _digests 0 _a)
list(GET _digests 1 _b)
if(NOT _a STREQUAL _b)
  message(FATAL_ERROR "the two processes disagree: '${_a}' vs '${_b}'")
endif()
message(STATUS "both processes: ${_a}")
