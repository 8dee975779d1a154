# The dashboard's front end in the build tree.
#
# segcast_copy_web_assets() defines the target `segcast_web_assets` (part of ALL, and a dependency
# of the `segcast` executable) that copies
#   src/web/assets/{index.html,app.js,styles.css}            -> ${SEGCAST_WEB_ASSETS_DIR}/
#   src/web/node_modules/echarts/dist/echarts.min.js         -> ${SEGCAST_WEB_ASSETS_DIR}/vendor/
# SEGCAST_WEB_ASSETS_DIR defaults to ${CMAKE_BINARY_DIR}/web. Copies are redone whenever a source
# changes. ECharts comes from npm (`scripts/setup.sh` runs `npm ci` in src/web); nothing is fetched
# at build time or at run time.
#
# This file is also a CMake script (cmake -P) used by the build when ECharts was missing at
# configure time: it copies the library if `npm ci` has run since, and otherwise says so.

if(CMAKE_SCRIPT_MODE_FILE)
  if(EXISTS "${SEGCAST_ECHARTS_SOURCE}")
    file(MAKE_DIRECTORY "${SEGCAST_ECHARTS_DESTINATION_DIR}")
    file(COPY "${SEGCAST_ECHARTS_SOURCE}" DESTINATION "${SEGCAST_ECHARTS_DESTINATION_DIR}")
  else()
    message(WARNING "segcast dashboard: ${SEGCAST_ECHARTS_SOURCE} is missing, so the dashboard "
                    "cannot draw charts. Run scripts/setup.sh (npm ci in src/web) and rebuild.")
  endif()
  return()
endif()

function(segcast_copy_web_assets)
  set(source_dir ${PROJECT_SOURCE_DIR}/src/web/assets)
  if(DEFINED SEGCAST_WEB_ASSETS_DIR)
    set(output_dir ${SEGCAST_WEB_ASSETS_DIR})
  else()
    set(output_dir ${CMAKE_BINARY_DIR}/web)
  endif()
  set(echarts ${PROJECT_SOURCE_DIR}/src/web/node_modules/echarts/dist/echarts.min.js)

  set(outputs)
  foreach(file index.html app.js styles.css)
    add_custom_command(
      OUTPUT ${output_dir}/${file}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${output_dir}
      COMMAND ${CMAKE_COMMAND} -E copy_if_different ${source_dir}/${file} ${output_dir}/${file}
      DEPENDS ${source_dir}/${file}
      COMMENT "Copying dashboard asset ${file}"
      VERBATIM)
    list(APPEND outputs ${output_dir}/${file})
  endforeach()

  if(EXISTS ${echarts})
    add_custom_command(
      OUTPUT ${output_dir}/vendor/echarts.min.js
      COMMAND ${CMAKE_COMMAND} -E make_directory ${output_dir}/vendor
      COMMAND ${CMAKE_COMMAND} -E copy_if_different ${echarts} ${output_dir}/vendor/echarts.min.js
      DEPENDS ${echarts}
      COMMENT "Copying ECharts into the dashboard's assets"
      VERBATIM)
    list(APPEND outputs ${output_dir}/vendor/echarts.min.js)
    set(echarts_step)
  else()
    message(WARNING
      "segcast dashboard: ${echarts} is missing (the npm packages are not installed).\n"
      "Run scripts/setup.sh (it runs `npm ci` in src/web and tests/e2e), then rebuild; until then "
      "`segcast serve` shows an error instead of charts and the e2e_dashboard test is skipped.")
    # Re-checked on every build, so a later `npm ci` is picked up without re-running CMake.
    set(echarts_step
      COMMAND ${CMAKE_COMMAND} -DSEGCAST_ECHARTS_SOURCE=${echarts}
              -DSEGCAST_ECHARTS_DESTINATION_DIR=${output_dir}/vendor
              -P ${CMAKE_CURRENT_FUNCTION_LIST_FILE})
  endif()

  add_custom_target(segcast_web_assets ALL
    ${echarts_step}
    DEPENDS ${outputs}
    COMMENT "Dashboard front end in ${output_dir}"
    VERBATIM)
endfunction()
