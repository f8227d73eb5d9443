#include <png.h>
/* PNG_FORMAT_RGBA is a compound macro, which Swift does not import. */
static const unsigned int CPNGFormatRGBA = PNG_FORMAT_RGBA;
