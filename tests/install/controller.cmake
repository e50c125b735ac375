# Install the build tree into WORK_DIR/prefix, then configure, build and
# run samples/controller (SAMPLE_DIR), a standalone project, against it, as
# a controller vendor would. Fails on any step.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
  RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
set(flags "-Wall -Wextra -Werror")
if(SANITIZE)
  string(APPEND flags " -fsanitize=address,undefined")
elseif(TSAN)
  string(APPEND flags " -fsanitize=thread")
endif()
set(ldflags "")
if(SANITIZE)
  set(ldflags "-fsanitize=address,undefined")
elseif(TSAN)
  set(ldflags "-fsanitize=thread")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SAMPLE_DIR} -B ${WORK_DIR}/build
  -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${COMPILER}
  "-DCMAKE_C_FLAGS=${flags}" "-DCMAKE_EXE_LINKER_FLAGS=${ldflags}"
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the controller failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the controller failed: ${rc}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/controller RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message(STATUS "controller: ${out}")
if(rc)
  message(FATAL_ERROR "the controller failed: ${rc}")
endif()
