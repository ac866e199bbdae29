// Compiled by scalar_note.cmake only (never linked): a translation unit that includes the kernels' dispatch.
#include <semvec/simd/dispatch.hpp>
int main() { return semvec::simd_level_name()[0] == '\0'; }
