# Included from src/cli/CMakeLists.txt: adds `citadel policy validate|eval` to citadel_cli.
target_sources(citadel_cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}/policy_command.cc)
target_link_libraries(citadel_cli PUBLIC citadel_policy)
