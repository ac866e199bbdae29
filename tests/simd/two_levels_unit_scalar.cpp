// The scalar copy of two_levels_unit.cpp (a second source file, so it gets its own flags).
#include "two_levels_unit.cpp"
