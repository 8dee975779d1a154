# Warnings are target-scoped: segcast_set_warnings(target) on every target the project owns.
function(segcast_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor
    -Wno-missing-field-initializers)  # designated initializers leave optional fields out on purpose
endfunction()

# segcast_add_module(NAME SOURCES... DEPS...): one static library per pipeline stage, so a stage
# builds, links and is tested on its own.
function(segcast_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(segcast_${name} STATIC ${ARG_SOURCES})
  target_include_directories(segcast_${name}
    PUBLIC ${PROJECT_SOURCE_DIR}/include
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(segcast_${name} PUBLIC ${ARG_DEPS})
  set_target_properties(segcast_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  segcast_set_warnings(segcast_${name})
endfunction()
