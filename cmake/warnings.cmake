# Warning flags as an INTERFACE target (house style B11).
add_library(smmuv3_warnings INTERFACE)
target_compile_options(smmuv3_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
      -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings -Wimplicit-fallthrough>
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
      -Woverloaded-virtual -Wimplicit-fallthrough>)
if(SMMUV3_WERROR)
  target_compile_options(smmuv3_warnings INTERFACE -Werror)
endif()
