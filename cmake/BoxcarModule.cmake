# boxcar_module(NAME [DIR folder] [DEPENDS module...] [PACKAGES JSON|CBOR|LUA|XLSX|GSL|GLPK...])
#
# One library module (core, cartonize, pool, carbon, report, ...): an object
# library built from NAME/src, whose public headers are NAME/include. A module
# sees its own folders, the public headers of the modules it DEPENDS on and
# core's internal headers (core/src, the foundation's shared internals), and
# nothing else: an include against the layering does not compile.
#
# PACKAGES names the optional dependencies the module uses; each is linked
# when its BOXCAR_WITH_<NAME> option is on. Sources are added by the
# module's own CMakeLists.txt with target_sources().
set(BOXCAR_PACKAGE_JSON PkgConfig::JANSSON)
set(BOXCAR_PACKAGE_CBOR PkgConfig::LIBCBOR)
set(BOXCAR_PACKAGE_LUA PkgConfig::LUA)
set(BOXCAR_PACKAGE_XLSX PkgConfig::XLSXWRITER)
set(BOXCAR_PACKAGE_GSL GSL::gsl)
set(BOXCAR_PACKAGE_GLPK GLPK::glpk)
set(BOXCAR_WITH_GLPK ${BOXCAR_WITH_CBOR})

function(boxcar_module name)
  cmake_parse_arguments(M "" "DIR" "DEPENDS;PACKAGES" ${ARGN})
  if(NOT M_DIR)
    set(M_DIR ${name})
  endif()
  set(t boxcar_${name})
  add_library(${t} OBJECT)
  set_target_properties(${t} PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden)
  target_include_directories(${t}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/${M_DIR}/include>
    PRIVATE ${PROJECT_SOURCE_DIR}/${M_DIR}/src)
  target_link_libraries(${t} PRIVATE boxcar_warnings)
  foreach(p IN LISTS M_PACKAGES)
    if(BOXCAR_WITH_${p})
      target_link_libraries(${t} PRIVATE ${BOXCAR_PACKAGE_${p}})
    endif()
  endforeach()
  foreach(dep IN LISTS M_DEPENDS)
    target_link_libraries(${t} PUBLIC boxcar_${dep})
  endforeach()
  if(NOT name STREQUAL "core")
    target_link_libraries(${t} PRIVATE boxcar_core_internal)
  endif()
  set_property(GLOBAL APPEND PROPERTY BOXCAR_MODULES ${t})
endfunction()
