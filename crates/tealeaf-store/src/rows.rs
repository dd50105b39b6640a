//! The multi-row `INSERT` into `statements`, bound without copies.
//!
//! rusqlite binds every string with `SQLITE_TRANSIENT`: SQLite allocates a
//! buffer, copies the string into it and frees it at the next bind. A batch
//! binds about fifteen strings per statement row, and those allocations,
//! copies and frees were a sixth of the writer's time, only for SQLite to
//! copy the same bytes once more into the record it inserts.
//!
//! [`RowInsert`] binds them with `SQLITE_STATIC` instead: SQLite reads the
//! caller's bytes in place. That is sound only while the strings live and
//! stay unchanged until SQLite last reads them, so the statement here is
//! its own (prepared through the connection's handle, finalized on drop),
//! borrows the rows it binds for as long as it holds them, and clears
//! every binding after each step: no pointer into Rust memory is left in
//! SQLite once [`RowInsert::insert`] returns, and the statement cannot
//! outlive the connection it borrows.

use std::ffi::{CStr, c_char, c_int};
use std::marker::PhantomData;

use rusqlite::{Connection, ffi};

use crate::values::TextColumn;
use crate::{STATEMENT_COLUMNS, StatementRow, encode};

/// One prepared multi-row `INSERT` of statement rows on `conn`.
pub(crate) struct RowInsert<'conn> {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    rows: usize,
    _conn: PhantomData<&'conn Connection>,
}

impl Drop for RowInsert<'_> {
    fn drop(&mut self) {
        // SAFETY: `stmt` came from a successful prepare and is finalized
        // once, here; the connection outlives `self` (the borrow `'conn`).
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}

impl<'conn> RowInsert<'conn> {
    /// Prepares `sql`, an `INSERT` of `rows` rows with
    /// `STATEMENT_COLUMNS.len()` parameters each.
    pub fn prepare(conn: &'conn Connection, sql: &str, rows: usize) -> rusqlite::Result<Self> {
        let len = c_int::try_from(sql.len())
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        // SAFETY: the handle is only used while `conn` is borrowed (`'conn`),
        // on this thread (neither `Connection` nor `RowInsert` is `Sync`),
        // for calls that leave the connection in a state rusqlite expects:
        // a statement of our own, finalized on drop.
        let db = unsafe { conn.handle() };
        let mut stmt = std::ptr::null_mut();
        // SAFETY: `sql` is valid for `len` bytes (no terminator needed with
        // an explicit length); `stmt` receives the statement or null.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                db,
                sql.as_ptr().cast::<c_char>(),
                len,
                // Kept for a whole batch: tells SQLite not to take it from
                // the small-allocation pool.
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut stmt,
                std::ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK || stmt.is_null() {
            // SAFETY: as above; a failed prepare leaves nothing to finalize.
            return Err(unsafe { error(db, rc) });
        }
        let insert = RowInsert {
            db,
            stmt,
            rows,
            _conn: PhantomData,
        };
        // SAFETY: `stmt` is a live statement of this connection.
        let params = unsafe { ffi::sqlite3_bind_parameter_count(stmt) };
        if usize::try_from(params).ok() != Some(rows * STATEMENT_COLUMNS.len()) {
            return Err(rusqlite::Error::InvalidParameterCount(
                usize::try_from(params).unwrap_or(0),
                rows * STATEMENT_COLUMNS.len(),
            ));
        }
        Ok(insert)
    }

    /// Inserts `rows` (exactly as many as the statement was prepared for).
    pub fn insert(&mut self, rows: &[StatementRow]) -> rusqlite::Result<()> {
        if rows.len() != self.rows {
            return Err(rusqlite::Error::InvalidParameterCount(
                rows.len() * STATEMENT_COLUMNS.len(),
                self.rows * STATEMENT_COLUMNS.len(),
            ));
        }
        let bound = self.bind_rows(rows);
        let stepped = bound.and_then(|()| self.step());
        // SAFETY: `stmt` is live. Clearing drops every pointer to the rows'
        // strings before the borrow of `rows` ends (also after an error
        // halfway through binding).
        unsafe {
            ffi::sqlite3_clear_bindings(self.stmt);
        }
        stepped
    }

    fn bind_rows(&mut self, rows: &[StatementRow]) -> rusqlite::Result<()> {
        let mut b = Binder {
            insert: self,
            next: 1,
        };
        for row in rows {
            b.row(row)?;
        }
        Ok(())
    }

    fn step(&mut self) -> rusqlite::Result<()> {
        // SAFETY: `stmt` is live and every parameter is bound.
        let rc = unsafe { ffi::sqlite3_step(self.stmt) };
        let failed = (rc != ffi::SQLITE_DONE).then(|| {
            // The message before the reset, which may replace it.
            // SAFETY: as above.
            unsafe { error(self.db, rc) }
        });
        // SAFETY: as above. The reset repeats the step's error, if any.
        let reset = unsafe { ffi::sqlite3_reset(self.stmt) };
        match failed {
            Some(e) => Err(e),
            None if reset != ffi::SQLITE_OK => Err(unsafe { error(self.db, reset) }),
            None => Ok(()),
        }
    }
}

/// Binds parameters in order, from the first.
struct Binder<'a, 'conn> {
    insert: &'a mut RowInsert<'conn>,
    next: c_int,
}

impl Binder<'_, '_> {
    fn done(&mut self, rc: c_int) -> rusqlite::Result<()> {
        self.next += 1;
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            // SAFETY: the connection is live (borrowed by the statement).
            Err(unsafe { error(self.insert.db, rc) })
        }
    }

    fn int(&mut self, v: i64) -> rusqlite::Result<()> {
        // SAFETY: a live statement; out-of-range indexes give SQLITE_RANGE.
        let rc = unsafe { ffi::sqlite3_bind_int64(self.insert.stmt, self.next, v) };
        self.done(rc)
    }

    /// As rusqlite binds a `usize` (feature `fallible_uint`): an error
    /// above `i64::MAX`.
    fn uint(&mut self, v: usize) -> rusqlite::Result<()> {
        let v =
            i64::try_from(v).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        self.int(v)
    }

    fn real(&mut self, v: f64) -> rusqlite::Result<()> {
        // SAFETY: as in `int`.
        let rc = unsafe { ffi::sqlite3_bind_double(self.insert.stmt, self.next, v) };
        self.done(rc)
    }

    fn null(&mut self) -> rusqlite::Result<()> {
        // SAFETY: as in `int`.
        let rc = unsafe { ffi::sqlite3_bind_null(self.insert.stmt, self.next) };
        self.done(rc)
    }

    /// Binds `v`, UTF-8, in place (see the module documentation for why
    /// that is sound): the caller's rows outlive the step, and `insert`
    /// clears the bindings before it returns.
    fn text(&mut self, v: &[u8]) -> rusqlite::Result<()> {
        // An empty string may point nowhere; a literal always points
        // somewhere, as SQLite expects of a non-null pointer.
        let v: &[u8] = if v.is_empty() { b"" } else { v };
        // SAFETY: `v` is valid for `v.len()` bytes and is not read after
        // the step (the bindings are cleared right after it).
        let rc = unsafe {
            ffi::sqlite3_bind_text64(
                self.insert.stmt,
                self.next,
                v.as_ptr().cast::<c_char>(),
                v.len() as ffi::sqlite3_uint64,
                ffi::SQLITE_STATIC(),
                ffi::SQLITE_UTF8 as u8,
            )
        };
        self.done(rc)
    }

    fn opt_text(&mut self, v: Option<&[u8]>) -> rusqlite::Result<()> {
        match v {
            Some(s) => self.text(s),
            None => self.null(),
        }
    }

    fn opt_uint(&mut self, v: Option<usize>) -> rusqlite::Result<()> {
        match v {
            Some(x) => self.uint(x),
            None => self.null(),
        }
    }

    /// One row's values, in the order of [`STATEMENT_COLUMNS`].
    fn row(&mut self, row: &StatementRow) -> rusqlite::Result<()> {
        let first = self.next;
        let v = &row.encoded.values()[row.ordinal];
        let text = |column| row.encoded.text(v, column);
        // Columns that are never NULL: an empty string if one were missing.
        let required = |column| text(column).unwrap_or_default();
        self.int(row.document_id)?;
        self.uint(row.ordinal)?;
        self.text(required(TextColumn::Doc))?;
        self.uint(v.span[0])?;
        self.uint(v.span[1])?;
        self.text(required(TextColumn::Text))?;
        self.uint(v.quote_span[0])?;
        self.uint(v.quote_span[1])?;
        self.uint(v.attribution)?;
        self.text(encode::kind_name(v.kind).as_bytes())?;
        self.int(i64::from(v.direct))?;
        self.opt_text(text(TextColumn::Speaker))?;
        self.opt_text(text(TextColumn::SpeakerMention))?;
        self.opt_uint(v.speaker_span.map(|x| x[0]))?;
        self.opt_uint(v.speaker_span.map(|x| x[1]))?;
        self.opt_text(text(TextColumn::SpeakerRole))?;
        self.opt_text(text(TextColumn::SpeakerId))?;
        self.opt_text(text(TextColumn::Faction))?;
        self.opt_text(text(TextColumn::Outlet))?;
        self.opt_text(text(TextColumn::OutletId))?;
        self.opt_text(text(TextColumn::OutletAffiliation))?;
        self.opt_text(text(TextColumn::Date))?;
        self.opt_text(text(TextColumn::DatePrecision))?;
        self.opt_text(text(TextColumn::Cue))?;
        self.real(f64::from(v.confidence))?;
        self.text(required(TextColumn::Rule))?;
        self.opt_text(text(TextColumn::Topic))?;
        self.opt_text(text(TextColumn::Stance))?;
        self.text(required(TextColumn::Coded))?;
        debug_assert_eq!((self.next - first) as usize, STATEMENT_COLUMNS.len());
        Ok(())
    }
}

/// The connection's error for `rc`, with SQLite's message.
///
/// # Safety
/// `db` must be a live connection handle used only on this thread.
unsafe fn error(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Error {
    // SAFETY: the caller's promise; the message is copied before any other
    // call on the connection can change it.
    let message = unsafe {
        let p = ffi::sqlite3_errmsg(db);
        (!p.is_null()).then(|| CStr::from_ptr(p).to_string_lossy().into_owned())
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(rc), message)
}
