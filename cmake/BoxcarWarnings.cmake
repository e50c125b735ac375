# Warning and sanitizer flags live on interface targets that boxcar's own
# targets link, never in global flags, so a parent project is unaffected.
add_library(boxcar_warnings INTERFACE)
target_compile_options(boxcar_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wpointer-arith -Wformat=2 -Wvla
  $<$<BOOL:${BOXCAR_WERROR}>:-Werror>)
# Strict C11 plus POSIX.1-2008 (fsync, mkstemp, strnlen) for every own target.
target_compile_definitions(boxcar_warnings INTERFACE _POSIX_C_SOURCE=200809L)

add_library(boxcar_sanitize INTERFACE)
if(BOXCAR_SANITIZE)
  target_compile_options(boxcar_sanitize INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
  target_link_options(boxcar_sanitize INTERFACE -fsanitize=address,undefined)
  target_link_libraries(boxcar_warnings INTERFACE boxcar_sanitize)
elseif(BOXCAR_TSAN)
  target_compile_options(boxcar_sanitize INTERFACE
    -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(boxcar_sanitize INTERFACE -fsanitize=thread)
  target_link_libraries(boxcar_warnings INTERFACE boxcar_sanitize)
endif()

# Fuzzing: instrument the library for libFuzzer's coverage and run it under
# ASan + UBSan (tests/fuzz links the fuzzer's main).
if(BOXCAR_FUZZ)
  target_compile_options(boxcar_warnings INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(boxcar_warnings INTERFACE -fsanitize=address,undefined)
endif()
