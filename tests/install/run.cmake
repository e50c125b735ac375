# Install the build tree into WORK_DIR/prefix, then configure, build and run
# tests/install/consumer against it. Fails on any step.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
  RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
set(flags "")
if(SANITIZE)
  set(flags "-fsanitize=address,undefined")
elseif(TSAN)
  set(flags "-fsanitize=thread")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/consumer -B ${WORK_DIR}/build
  -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${COMPILER}
  "-DCMAKE_C_FLAGS=${flags}" "-DCMAKE_EXE_LINKER_FLAGS=${flags}"
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the consumer failed: ${rc}")
endif()
foreach(exe consumer_cmake consumer_static)
  execute_process(COMMAND ${WORK_DIR}/build/${exe} RESULT_VARIABLE rc
    OUTPUT_VARIABLE out)
  message(STATUS "${exe}: ${out}")
  if(rc)
    message(FATAL_ERROR "${exe} failed: ${rc}")
  endif()
endforeach()
# pkg-config sees the same library
find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  file(GLOB pcdir ${prefix}/lib*/pkgconfig ${prefix}/lib/*/pkgconfig)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pcdir}
    ${PKG_CONFIG} --modversion boxcar OUTPUT_VARIABLE ver RESULT_VARIABLE rc
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(rc)
    message(FATAL_ERROR "pkg-config does not find boxcar")
  endif()
  message(STATUS "pkg-config boxcar: ${ver}")
  # the prefix is the one installed into, whatever was configured
  execute_process(COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pcdir}
    ${PKG_CONFIG} --variable=prefix boxcar OUTPUT_VARIABLE pcprefix
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  file(REAL_PATH "${pcprefix}" pcprefix)
  file(REAL_PATH "${prefix}" realprefix)
  if(NOT pcprefix STREQUAL realprefix)
    message(FATAL_ERROR "boxcar.pc says prefix ${pcprefix}, not ${realprefix}")
  endif()
  # and a program compiled with its flags alone builds and runs
  execute_process(COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pcdir}
    ${PKG_CONFIG} --cflags --libs boxcar OUTPUT_VARIABLE pcflags
    OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  separate_arguments(pcflags UNIX_COMMAND "${pcflags}")
  separate_arguments(sanflags UNIX_COMMAND "${flags}")
  execute_process(COMMAND ${COMPILER} ${sanflags} ${SOURCE_DIR}/consumer/main.c ${pcflags}
    -o ${WORK_DIR}/consumer_pc RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "compiling with pkg-config's flags failed: ${rc}")
  endif()
  file(GLOB libdirs ${prefix}/lib ${prefix}/lib64 ${prefix}/lib/*-linux-gnu)
  string(REPLACE ";" ":" libpath "${libdirs}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libpath}
    ${WORK_DIR}/consumer_pc RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "the program built with pkg-config's flags failed: ${rc}")
  endif()
  message(STATUS "pkg-config boxcar: prefix ${pcprefix}")
endif()

# The installed command finds its data (catalogs, factor sets, scripts)
# beside itself, wherever the prefix is: move it, then make the installed
# copies tell themselves apart from the source tree's.
if(EXISTS ${prefix}/bin/boxcar AND EXISTS ${prefix}/share/boxcar/scripts/report/station.lua)
  set(moved ${WORK_DIR}/moved)
  file(RENAME ${prefix} ${moved})
  set(bin ${moved}/bin/boxcar)
  set(data ${moved}/share/boxcar)
  file(WRITE ${data}/catalogs/cn-express.csv
    "box_id,inner_l_mm,inner_w_mm,inner_h_mm,max_weight_g\nINSTALLED-ONLY,900,900,900,90000\n")
  file(WRITE ${WORK_DIR}/orders.csv
    "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\nA1,cube,1,100,100,100,500\n")
  execute_process(COMMAND ${bin} pack --orders ${WORK_DIR}/orders.csv --format csv
    -o ${WORK_DIR}/boxes.csv --no-progress RESULT_VARIABLE rc ERROR_VARIABLE err)
  file(READ ${WORK_DIR}/boxes.csv boxes)
  if(rc OR NOT boxes MATCHES "INSTALLED-ONLY")
    message(FATAL_ERROR "the installed boxcar did not take its own catalog: ${rc} ${err}")
  endif()
  execute_process(COMMAND ${bin} factors list RESULT_VARIABLE rc OUTPUT_VARIABLE out)
  if(rc OR NOT out MATCHES "cn-2023")
    message(FATAL_ERROR "the installed boxcar lists no factor sets: ${rc} ${out}")
  endif()
  # scripts by name: the installed policy (a copy that says where it is)
  # and the installed station report
  file(READ ${data}/scripts/policy/gb45186.lua policy)
  string(REPLACE "name = \"gb45186\"" "name = \"gb45186-installed\"" policy "${policy}")
  file(WRITE ${data}/scripts/policy/gb45186.lua "${policy}")
  execute_process(COMMAND ${bin} check --policy gb45186 RESULT_VARIABLE rc
    OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc OR NOT out MATCHES "gb45186-installed")
    message(FATAL_ERROR "--policy gb45186 did not find the installed policy: ${rc} ${out} ${err}")
  endif()
  execute_process(COMMAND ${bin} report --script station --packing ${WORK_DIR}/boxes.csv
    -o ${WORK_DIR}/day.xlsx --policy gb45186 --no-progress RESULT_VARIABLE rc
    ERROR_VARIABLE err)
  if(rc OR NOT EXISTS ${WORK_DIR}/day.xlsx)
    message(FATAL_ERROR "--script station did not find the installed report: ${rc} ${err}")
  endif()
  message(STATUS "the installed boxcar, moved, found its data in ${data}")
endif()
