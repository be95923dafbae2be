# Bundles the web UI: `npm ci` when node_modules is missing, then esbuild.
# cmake -DWEB_DIR=... -DOUT=.../app.js -P build_web.cmake
if(NOT EXISTS "${WEB_DIR}/node_modules/.bin/esbuild")
  message(STATUS "web: npm ci in ${WEB_DIR}")
  execute_process(COMMAND npm ci --no-audit --no-fund WORKING_DIRECTORY "${WEB_DIR}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "npm ci failed in ${WEB_DIR} (rc ${rc}); node and npm are needed to build the UI")
  endif()
endif()
execute_process(
  COMMAND "${WEB_DIR}/node_modules/.bin/esbuild" src/main.js --bundle --minify --format=iife
          --target=es2020 --log-level=warning "--outfile=${OUT}"
  WORKING_DIRECTORY "${WEB_DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "esbuild failed (rc ${rc})")
endif()
