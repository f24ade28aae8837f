# find_package(ifm CONFIG) support: defines the imported target ifm::ifm (libifm.so + ifm.h/ifm.hpp).
# Works from an installed prefix (<prefix>/lib/cmake/ifm/ifmConfig.cmake, <prefix>/lib/libifm.so,
# <prefix>/include/ifm.h) and from a release folder (<release>/cmake/ifmConfig.cmake next to libifm.so and ifm.h).
get_filename_component(_ifm_here "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)

find_library(IFM_LIBRARY NAMES ifm
  PATHS "${_ifm_here}/../.." "${_ifm_here}/.."
  NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
find_path(IFM_INCLUDE_DIR ifm.h
  PATHS "${_ifm_here}/../../../include" "${_ifm_here}/.."
  NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)

if(NOT IFM_LIBRARY OR NOT IFM_INCLUDE_DIR)
  set(ifm_FOUND FALSE)
  set(ifm_NOT_FOUND_MESSAGE "libifm.so or ifm.h not found next to ${_ifm_here}")
  return()
endif()

if(NOT TARGET ifm::ifm)
  add_library(ifm::ifm SHARED IMPORTED)
  set_target_properties(ifm::ifm PROPERTIES
    IMPORTED_LOCATION "${IFM_LIBRARY}"
    IMPORTED_SONAME "libifm.so"
    INTERFACE_INCLUDE_DIRECTORIES "${IFM_INCLUDE_DIR}")
endif()
set(ifm_FOUND TRUE)
unset(_ifm_here)
