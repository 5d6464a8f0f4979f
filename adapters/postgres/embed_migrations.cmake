# Generates a C++ source holding every schema/NNNN_name.sql, so the binary carries its own
# migrations and tests apply exactly what production applies. Run with -DSCHEMA_DIR= -DOUT=.
cmake_policy(SET CMP0057 NEW)
file(GLOB sql_files "${SCHEMA_DIR}/*.sql")
list(SORT sql_files)
set(body "")
set(seen "")
foreach(path IN LISTS sql_files)
    get_filename_component(file_name "${path}" NAME)
    if(NOT file_name MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
        message(FATAL_ERROR "${path}: migration files are named NNNN_snake_case_name.sql")
    endif()
    set(version "${CMAKE_MATCH_1}")
    set(name "${CMAKE_MATCH_2}")
    if(version IN_LIST seen)
        message(FATAL_ERROR "${path}: migration version ${version} is used twice")
    endif()
    list(APPEND seen "${version}")
    string(REGEX REPLACE "^0+([0-9])" "\\1" version_number "${version}")
    file(READ "${path}" sql)
    string(APPEND body "    {${version_number}, \"${name}\", R\"refundbot_sql(${sql})refundbot_sql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from adapters/postgres/schema/ by embed_migrations.cmake; do not edit.
#include \"adapters/postgres/migrations.hpp\"

namespace refundbot::adapters::postgres {
namespace {
const migration embedded[] = {
${body}};
}  // namespace

std::span<const migration> embedded_migrations() { return embedded; }

}  // namespace refundbot::adapters::postgres
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
