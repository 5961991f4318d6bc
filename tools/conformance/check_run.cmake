# SPDX-License-Identifier: Apache-2.0
# ctest helper: run smmu-conformance on one file and check its exit status and output.
#   cmake -DRUNNER=... -DINPUT=... -DEXPECT_RC=n [-DEXPECT_OUT=regex] [-DEXPECT_ERR=regex]
#         -P check_run.cmake
execute_process(COMMAND ${RUNNER} ${INPUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(_report "stdout:\n${out}\nstderr:\n${err}")
if(NOT rc STREQUAL "${EXPECT_RC}")
  message(FATAL_ERROR "exit status '${rc}', expected ${EXPECT_RC}\n${_report}")
endif()
if(DEFINED EXPECT_OUT AND NOT out MATCHES "${EXPECT_OUT}")
  message(FATAL_ERROR "stdout does not match '${EXPECT_OUT}'\n${_report}")
endif()
if(DEFINED EXPECT_ERR AND NOT err MATCHES "${EXPECT_ERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_ERR}'\n${_report}")
endif()
message(STATUS "ok: exit status ${rc}\n${_report}")
