// glibc's allocator tuning (mallopt); other C libraries have no <malloc.h> of this kind.
#if defined(__linux__)
#include <malloc.h>
#endif
