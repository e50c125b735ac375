/* A library member with a global name outside boxcar's prefixes: the symbol
 * check must refuse an archive that holds it (test_symbols_catches_leak). */
int leaky_helper(int x);
int leaky_helper(int x) { return x + 1; }
