/* Builds small ELF32 i386 images in memory for the lxcore/core tests. */
#ifndef LX_TEST_ELF_FIXTURE_H
#define LX_TEST_ELF_FIXTURE_H

#include <stdint.h>
#include <string.h>

#define FX_FILE_SIZE    0x1100u
#define FX_TEXT_VADDR   0x08048000u
#define FX_DATA_VADDR   0x08049000u
#define FX_ENTRY        0x08048080u
#define FX_PHOFF        52u
#define FX_PHNUM        4u

static void fx_w16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void fx_w32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static uint32_t fx_r32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Program header i of an image built by fx_build (offset of its first field). */
static uint8_t *fx_phdr(uint8_t *img, uint32_t i) { return img + FX_PHOFF + 32 * i; }

static void fx_set_phdr(uint8_t *img, uint32_t i, uint32_t type, uint32_t off, uint32_t vaddr,
                        uint32_t filesz, uint32_t memsz, uint32_t flags, uint32_t align)
{
    uint8_t *p = fx_phdr(img, i);
    fx_w32(p, type); fx_w32(p + 4, off); fx_w32(p + 8, vaddr); fx_w32(p + 12, vaddr);
    fx_w32(p + 16, filesz); fx_w32(p + 20, memsz); fx_w32(p + 24, flags); fx_w32(p + 28, align);
}

/* A valid static ET_EXEC:
 *   PHDR  off 0x34 vaddr 0x08048034 (4 * 32 bytes)
 *   LOAD  R-X off 0      vaddr 0x08048000 filesz 0x200 memsz 0x200
 *   LOAD  RW- off 0x1000 vaddr 0x08049000 filesz 0x100 memsz 0x2345 (bss)
 *   GNU_STACK RW-
 * The image must have room for FX_FILE_SIZE bytes. Returns the size. */
static uint32_t fx_build(uint8_t *img)
{
    uint32_t i;
    memset(img, 0, FX_FILE_SIZE);
    img[0] = 0x7f; img[1] = 'E'; img[2] = 'L'; img[3] = 'F';
    img[4] = 1; img[5] = 1; img[6] = 1;
    fx_w16(img + 16, 2);            /* ET_EXEC */
    fx_w16(img + 18, 3);            /* EM_386 */
    fx_w32(img + 20, 1);
    fx_w32(img + 24, FX_ENTRY);
    fx_w32(img + 28, FX_PHOFF);
    fx_w16(img + 40, 52);
    fx_w16(img + 42, 32);
    fx_w16(img + 44, FX_PHNUM);
    fx_set_phdr(img, 0, 6, FX_PHOFF, FX_TEXT_VADDR + FX_PHOFF, 32 * FX_PHNUM, 32 * FX_PHNUM, 4, 4);
    fx_set_phdr(img, 1, 1, 0, FX_TEXT_VADDR, 0x200, 0x200, 5, 0x1000);
    fx_set_phdr(img, 2, 1, 0x1000, FX_DATA_VADDR, 0x100, 0x2345, 6, 0x1000);
    fx_set_phdr(img, 3, 0x6474e551u, 0, 0, 0, 0, 6, 16);
    for (i = 0x100; i < 0x200; i++)
        img[i] = 0x90;              /* nop sled as "text" */
    for (i = 0x1000; i < 0x1100; i++)
        img[i] = (uint8_t)i;        /* recognisable data */
    return FX_FILE_SIZE;
}

#endif
