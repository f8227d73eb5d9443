#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver on `test`, with the command line's libFuzzer options.
///
/// SwiftPM links an executable's entry point as `<module>_main`, so each fuzz target
/// defines that symbol and hands its input function to libFuzzer here, instead of
/// relying on the `main` that libFuzzer would otherwise bring.
int fuzz_run(int argc, char **argv, int (*test)(const uint8_t *data, size_t size));
