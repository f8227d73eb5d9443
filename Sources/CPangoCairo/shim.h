#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
/* PANGO_SCALE is a plain macro Swift imports, but PANGO_WEIGHT_BOLD is an enum case of a
   GLib type whose name differs between versions; give both a fixed spelling. */
static const int CPangoScale = PANGO_SCALE;
static const int CPangoWeightNormal = PANGO_WEIGHT_NORMAL;
static const int CPangoWeightBold = PANGO_WEIGHT_BOLD;
