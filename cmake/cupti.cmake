# GPU busy time (`zoo-bench profile`) comes from CUPTI, part of the CUDA toolkit: an optional dependency.
# AUTO uses it when CMake's CUDAToolkit package finds CUDA::cupti, ON requires it, OFF never uses it.
set(ZOO_BENCH_WITH_CUPTI AUTO CACHE STRING "Record GPU activity with CUPTI: AUTO, ON or OFF")
set_property(CACHE ZOO_BENCH_WITH_CUPTI PROPERTY STRINGS AUTO ON OFF)

function(zoo_bench_use_cupti target)
  set(use OFF)
  if(NOT ZOO_BENCH_WITH_CUPTI STREQUAL "OFF")
    if(ZOO_BENCH_WITH_CUPTI STREQUAL "ON")
      find_package(CUDAToolkit REQUIRED)
    else()
      find_package(CUDAToolkit QUIET)
    endif()
    if(TARGET CUDA::cupti)
      set(use ON)
    elseif(ZOO_BENCH_WITH_CUPTI STREQUAL "ON")
      message(FATAL_ERROR "ZOO_BENCH_WITH_CUPTI=ON but the CUDA toolkit here has no CUPTI (CUDA::cupti); install it "
                          "or configure with -DZOO_BENCH_WITH_CUPTI=AUTO")
    endif()
  endif()
  if(use)
    # Only the one CUPTI unit sees the CUDA headers: the rest of the build stays as without CUPTI.
    target_link_libraries(${target} PUBLIC $<LINK_ONLY:CUDA::cupti>)
    set_source_files_properties(${PROJECT_SOURCE_DIR}/src/measure/gpu_activity.cpp PROPERTIES
      INCLUDE_DIRECTORIES "${CUDAToolkit_INCLUDE_DIRS}" COMPILE_DEFINITIONS ZOO_BENCH_HAVE_CUPTI)
    message(STATUS "zoo-bench: CUPTI (GPU activity): yes, CUDA ${CUDAToolkit_VERSION}")
  else()
    message(STATUS "zoo-bench: CUPTI (GPU activity): no (ZOO_BENCH_WITH_CUPTI=${ZOO_BENCH_WITH_CUPTI})")
  endif()
endfunction()
