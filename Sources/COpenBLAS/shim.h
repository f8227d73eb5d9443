#include <cblas.h>
/* OpenBLAS's own controls, declared here because not every cblas.h carries them. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
