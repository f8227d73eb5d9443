#include <cblas.h>
/* OpenBLAS's own controls, declared here because not every cblas.h carries them. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
/* LAPACK's Cholesky solve, which OpenBLAS bundles; declared here because the LAPACK headers differ between distributions. */
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb, int *info);
/* LAPACK's divide-and-conquer symmetric eigensolver, likewise. */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work, const int *lwork,
             int *iwork, const int *liwork, int *info);
