# Find the Debian packages boxcar builds on, each as an imported target.
find_package(PkgConfig REQUIRED)

if(BOXCAR_WITH_JSON)
  pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
endif()
if(BOXCAR_WITH_CBOR)
  pkg_check_modules(LIBCBOR REQUIRED IMPORTED_TARGET libcbor)
endif()
if(BOXCAR_WITH_CBOR)
  # GLPK (rebalancing plans of the pool) ships no pkg-config file on Debian.
  find_path(GLPK_INCLUDE_DIR glpk.h REQUIRED)
  find_library(GLPK_LIBRARY glpk REQUIRED)
  if(NOT TARGET GLPK::glpk)
    add_library(GLPK::glpk UNKNOWN IMPORTED)
    set_target_properties(GLPK::glpk PROPERTIES
      IMPORTED_LOCATION "${GLPK_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${GLPK_INCLUDE_DIR}")
  endif()
endif()
if(BOXCAR_WITH_SERVICE)
  pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
endif()
if(BOXCAR_WITH_LUA)
  pkg_check_modules(LUA REQUIRED IMPORTED_TARGET lua5.4)
endif()
if(BOXCAR_WITH_XLSX)
  pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
endif()
if(BOXCAR_WITH_GSL)
  find_package(GSL REQUIRED)
endif()

if(BOXCAR_BUILD_TESTS)
  # Debian's cmocka config sets variables but defines no target: wrap it.
  find_package(cmocka CONFIG QUIET)
  if(NOT TARGET boxcar_cmocka)
    if(cmocka_FOUND AND CMOCKA_LIBRARIES)
      add_library(boxcar_cmocka INTERFACE IMPORTED)
      set_target_properties(boxcar_cmocka PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${CMOCKA_INCLUDE_DIR}"
        INTERFACE_LINK_LIBRARIES "${CMOCKA_LIBRARIES}")
    else()
      pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
      add_library(boxcar_cmocka INTERFACE IMPORTED)
      set_target_properties(boxcar_cmocka PROPERTIES
        INTERFACE_LINK_LIBRARIES PkgConfig::CMOCKA)
    endif()
  endif()
endif()
