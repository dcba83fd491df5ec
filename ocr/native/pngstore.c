/* Tesseract's text-line images kept uncompressed: `ocr/tess_api.py` loads this library before
 * Tesseract, into the process's global symbol scope.
 *
 * Tesseract 5.3 (Debian 12's) copies every text line it recognises into an `ImageData`, which
 * keeps the line as a PNG (`ImageData::SetPixInternal`: leptonica's `pixWriteMem`, libpng) and
 * decodes it again a moment later for its LSTM. leptonica asks libpng for zlib's default level,
 * and deflating lines of paper grain took a fifth of Tesseract's time on a 300 dpi page
 * (`perf` on the recognition benchmark's pages; docs/design_notes.md). Found in the global
 * scope first, this function stands in for libpng's own and asks it for level 0: stored blocks,
 * the same pixels back, the same reading. Everything else libpng does is libpng's.
 *
 * Only Tesseract writes PNGs through libpng in a sohoa process (Pillow and OpenCV carry their
 * own encoders); a PNG written through it here is larger, never different.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

typedef void (*set_level)(void *, int);

static unsigned long stored;

static set_level libpng_own(void)
{
    static set_level own;
    if (own == NULL)
        own = (set_level)dlsym(RTLD_NEXT, "png_set_compression_level");
    if (own == NULL) {
        /* libpng came later, in the local scope of the library that needs it (leptonica) */
        void *png = dlopen("libpng16.so.16", RTLD_LAZY | RTLD_NOLOAD);
        if (png != NULL)
            own = (set_level)dlsym(png, "png_set_compression_level");
    }
    return own;
}

void png_set_compression_level(void *png_ptr, int level)
{
    set_level own = libpng_own();
    if (own == NULL)
        return; /* libpng keeps the level it was made with: zlib's default */
    (void)level;
    __atomic_add_fetch(&stored, 1, __ATOMIC_RELAXED);
    own(png_ptr, 0);
}

/* How many PNGs this process asked libpng to store: the tests' proof that it took effect. */
unsigned long sohoa_pngstore_count(void)
{
    return __atomic_load_n(&stored, __ATOMIC_RELAXED);
}
