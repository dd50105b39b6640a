//! The global allocator of tealeaf's binaries: mimalloc.
//!
//! Extraction makes a few dozen short-lived strings and vectors per
//! statement and frees a document's worth at once. The C library's
//! allocator keeps seven freed blocks of a size per thread, so most of
//! those frees, and the next document's allocations, went through its
//! slower bins: malloc and free were 12 % of `extract_with`'s instructions
//! on PolNeAR. mimalloc's free lists per page have no such limit.
//!
//! The `mimalloc` crate asks for every block through mimalloc's aligned
//! entry point, which checks the alignment and looks for a block that
//! happens to be aligned before taking the ordinary path. Nearly every Rust
//! allocation needs no more alignment than mimalloc gives any block (16
//! bytes: its size classes are multiples of 16), so those go straight to
//! `mi_malloc`, as the standard library's `System` allocator goes straight
//! to `malloc`; only larger alignments take the aligned path.
//!
//! SQLite keeps the C library's allocator (its allocations do not pass
//! through Rust's).
//!
//! Install in a binary with
//! `#[global_allocator] static ALLOCATOR: tealeaf_alloc::MiMalloc = tealeaf_alloc::MiMalloc;`.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The alignment every mimalloc block has (`MI_MAX_ALIGN_SIZE`).
const GUARANTEED_ALIGN: usize = 16;

/// mimalloc as a Rust global allocator.
#[derive(Debug, Clone, Copy, Default)]
pub struct MiMalloc;

/// Whether a block of `size` bytes from the unaligned entry points is
/// aligned to `align` (the condition `std`'s `System` allocator uses with
/// `malloc`).
#[inline]
fn plain(align: usize, size: usize) -> bool {
    align <= GUARANTEED_ALIGN && align <= size
}

/// A block of `layout` from `unaligned` when that is aligned enough, else
/// from `aligned`: mimalloc's plain or zeroing entry points.
///
/// # Safety
/// The two functions must be mimalloc's allocation entry points.
#[inline]
unsafe fn block(
    layout: Layout,
    unaligned: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    // SAFETY: mimalloc's allocation functions take any size.
    unsafe {
        if plain(layout.align(), layout.size()) {
            unaligned(layout.size()).cast()
        } else {
            aligned(layout.size(), layout.align()).cast()
        }
    }
}

// SAFETY: every block comes from mimalloc with at least the layout's size
// and alignment (the unaligned entry points only for alignments mimalloc
// guarantees for every block), and is given back to mimalloc, which frees
// and reallocates blocks from either entry point alike.
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's entry points.
        unsafe { block(layout, mi::mi_malloc, mi::mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's entry points.
        unsafe { block(layout, mi::mi_zalloc, mi::mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator (the caller's contract).
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`; the new
        // block keeps the alignment (checked against the new size too).
        unsafe {
            if plain(layout.align(), new_size) {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_have_their_alignment_and_keep_their_contents() {
        let a = MiMalloc;
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1usize, 3, 8, 15, 16, 24, 100, 1000, 70_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    std::ptr::write_bytes(p, 0xA5, size);
                    let q = a.realloc(p, layout, size * 3);
                    assert_eq!(q as usize % align, 0, "realloc: size {size} align {align}");
                    assert!(
                        std::slice::from_raw_parts(q, size)
                            .iter()
                            .all(|&b| b == 0xA5)
                    );
                    a.dealloc(q, Layout::from_size_align(size * 3, align).unwrap());
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0);
                    assert!(std::slice::from_raw_parts(z, size).iter().all(|&b| b == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
