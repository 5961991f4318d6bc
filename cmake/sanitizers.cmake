# ASan + UBSan for every target of the build when SMMUV3_SANITIZE is ON.
if(SMMUV3_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer build (clang): every target gets coverage instrumentation and ASan+UBSan; the
# fuzz targets themselves link the libFuzzer driver (tests/fuzz/CMakeLists.txt).
option(SMMUV3_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
if(SMMUV3_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SMMUV3_FUZZ needs clang: CC=clang CXX=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
