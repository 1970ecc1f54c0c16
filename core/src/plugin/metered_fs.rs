//! The plugin's file system, metered: WASI's `wasi:filesystem/types` as
//! wasmtime-wasi implements it, with every write counted against the call's
//! budget of bytes and new entries (files, directories, links). Going over
//! traps the call at once, so a plugin can fill neither the disk nor the
//! directory tree, and the rollback after it has a bounded amount to remove.
//!
//! Every method delegates to wasmtime-wasi; the ones that create entries or
//! write bytes charge the [`Meter`] first. Streams opened for writing are
//! wrapped so that each write through them is charged too.
//!
//! One more rule: a file with other hard links cannot be opened for writing
//! (or truncated, or have its times changed). pip's files are hard links into
//! the cache, shared with every other environment: writing through one would
//! plant code in all of them. The plugin gets "not permitted" and may remove
//! the file and write a new one instead.

use std::sync::Arc;

use bytes::Bytes;
use wasmtime::component::Resource;
use wasmtime_wasi::filesystem::WasiFilesystemCtxView;
use wasmtime_wasi::p2::bindings::filesystem::types::{
    self, ErrorCode, HostDescriptor, HostDirectoryEntryStream,
};
use wasmtime_wasi::p2::{
    DynInputStream, DynOutputStream, FsError, FsResult, OutputStream, Pollable, StreamError,
    StreamResult,
};

use super::budget::Meter;

/// The file system view of one call, with its meter.
pub(super) struct MeteredFs<'a> {
    pub inner: WasiFilesystemCtxView<'a>,
    pub meter: Arc<Meter>,
}

/// `HasData` for the metered file system.
pub(super) struct MeteredFsData;

impl wasmtime::component::HasData for MeteredFsData {
    type Data<'a> = MeteredFs<'a>;
}

impl MeteredFs<'_> {
    fn charge_bytes(&self, n: u64) -> FsResult<()> {
        self.meter.charge_write(n).map_err(FsError::trap)
    }

    fn charge_entry(&self) -> FsResult<()> {
        self.meter.charge_entry().map_err(FsError::trap)
    }

    /// Refuses when `path` (under `fd`) is a regular file with other hard links.
    async fn refuse_shared(
        &mut self,
        fd: &Resource<types::Descriptor>,
        path_flags: types::PathFlags,
        path: &str,
    ) -> FsResult<()> {
        let borrowed = Resource::new_borrow(fd.rep());
        match self
            .inner
            .stat_at(borrowed, path_flags, path.to_owned())
            .await
        {
            Ok(stat) if stat.type_ == types::DescriptorType::RegularFile && stat.link_count > 1 => {
                Err(ErrorCode::NotPermitted.into())
            }
            _ => Ok(()),
        }
    }

    /// The size of the file open at `fd` (0 for a directory). A file's
    /// apparent size is what copying or archiving it costs, so holes are
    /// charged like bytes: the host later copies what a hook left (into
    /// `bin`, the env's top, an archive) and must not be led to write a
    /// terabyte for a one-byte write.
    fn size_of(&self, fd: &Resource<types::Descriptor>) -> FsResult<u64> {
        match self.inner.table.get(fd)? {
            wasmtime_wasi::filesystem::Descriptor::File(f) => Ok(f
                .file
                .metadata()
                .map_err(|e| FsError::from(ErrorCode::from(e)))?
                .len()),
            wasmtime_wasi::filesystem::Descriptor::Dir(_) => Ok(0),
        }
    }

    /// Replaces the stream at `res` in the table by a metered one.
    fn metered(&mut self, res: Resource<DynOutputStream>) -> FsResult<Resource<DynOutputStream>> {
        let stream = self.inner.table.delete(res)?;
        let wrapped: DynOutputStream = Box::new(MeteredStream {
            inner: stream,
            meter: self.meter.clone(),
        });
        Ok(self.inner.table.push(wrapped)?)
    }
}

impl types::Host for MeteredFs<'_> {
    fn convert_error_code(&mut self, err: FsError) -> wasmtime::Result<ErrorCode> {
        self.inner.convert_error_code(err)
    }

    fn filesystem_error_code(
        &mut self,
        err: Resource<wasmtime::Error>,
    ) -> wasmtime::Result<Option<ErrorCode>> {
        self.inner.filesystem_error_code(err)
    }
}

impl HostDescriptor for MeteredFs<'_> {
    async fn advise(
        &mut self,
        fd: Resource<types::Descriptor>,
        offset: types::Filesize,
        len: types::Filesize,
        advice: types::Advice,
    ) -> FsResult<()> {
        self.inner.advise(fd, offset, len, advice).await
    }

    async fn sync_data(&mut self, fd: Resource<types::Descriptor>) -> FsResult<()> {
        self.inner.sync_data(fd).await
    }

    async fn get_flags(
        &mut self,
        fd: Resource<types::Descriptor>,
    ) -> FsResult<types::DescriptorFlags> {
        self.inner.get_flags(fd).await
    }

    async fn get_type(
        &mut self,
        fd: Resource<types::Descriptor>,
    ) -> FsResult<types::DescriptorType> {
        self.inner.get_type(fd).await
    }

    /// Growing a file (even sparsely) is charged by what it grows.
    async fn set_size(
        &mut self,
        fd: Resource<types::Descriptor>,
        size: types::Filesize,
    ) -> FsResult<()> {
        let now = self.size_of(&fd)?;
        self.charge_bytes(size.saturating_sub(now))?;
        self.inner.set_size(fd, size).await
    }

    async fn set_times(
        &mut self,
        fd: Resource<types::Descriptor>,
        atim: types::NewTimestamp,
        mtim: types::NewTimestamp,
    ) -> FsResult<()> {
        let stat = self.inner.stat(Resource::new_borrow(fd.rep())).await?;
        if stat.type_ == types::DescriptorType::RegularFile && stat.link_count > 1 {
            return Err(ErrorCode::NotPermitted.into());
        }
        self.inner.set_times(fd, atim, mtim).await
    }

    async fn read(
        &mut self,
        fd: Resource<types::Descriptor>,
        len: types::Filesize,
        offset: types::Filesize,
    ) -> FsResult<(Vec<u8>, bool)> {
        self.inner.read(fd, len, offset).await
    }

    /// Charged the bytes written and any hole the write leaves before them.
    async fn write(
        &mut self,
        fd: Resource<types::Descriptor>,
        buf: Vec<u8>,
        offset: types::Filesize,
    ) -> FsResult<types::Filesize> {
        let hole = offset.saturating_sub(self.size_of(&fd)?);
        self.charge_bytes(hole.saturating_add(buf.len() as u64))?;
        self.inner.write(fd, buf, offset).await
    }

    async fn read_directory(
        &mut self,
        fd: Resource<types::Descriptor>,
    ) -> FsResult<Resource<types::DirectoryEntryStream>> {
        self.inner.read_directory(fd).await
    }

    async fn sync(&mut self, fd: Resource<types::Descriptor>) -> FsResult<()> {
        self.inner.sync(fd).await
    }

    async fn create_directory_at(
        &mut self,
        fd: Resource<types::Descriptor>,
        path: String,
    ) -> FsResult<()> {
        self.charge_entry()?;
        self.inner.create_directory_at(fd, path).await
    }

    async fn stat(&mut self, fd: Resource<types::Descriptor>) -> FsResult<types::DescriptorStat> {
        self.inner.stat(fd).await
    }

    async fn stat_at(
        &mut self,
        fd: Resource<types::Descriptor>,
        path_flags: types::PathFlags,
        path: String,
    ) -> FsResult<types::DescriptorStat> {
        self.inner.stat_at(fd, path_flags, path).await
    }

    async fn set_times_at(
        &mut self,
        fd: Resource<types::Descriptor>,
        path_flags: types::PathFlags,
        path: String,
        atim: types::NewTimestamp,
        mtim: types::NewTimestamp,
    ) -> FsResult<()> {
        self.refuse_shared(&fd, path_flags, &path).await?;
        self.inner
            .set_times_at(fd, path_flags, path, atim, mtim)
            .await
    }

    async fn link_at(
        &mut self,
        fd: Resource<types::Descriptor>,
        old_path_flags: types::PathFlags,
        old_path: String,
        new_descriptor: Resource<types::Descriptor>,
        new_path: String,
    ) -> FsResult<()> {
        self.charge_entry()?;
        self.inner
            .link_at(fd, old_path_flags, old_path, new_descriptor, new_path)
            .await
    }

    /// Opening with `create` is charged as a new entry, whether or not the file existed.
    async fn open_at(
        &mut self,
        fd: Resource<types::Descriptor>,
        path_flags: types::PathFlags,
        path: String,
        oflags: types::OpenFlags,
        flags: types::DescriptorFlags,
    ) -> FsResult<Resource<types::Descriptor>> {
        if oflags.contains(types::OpenFlags::CREATE) {
            self.charge_entry()?;
        }
        if flags.contains(types::DescriptorFlags::WRITE)
            || oflags.contains(types::OpenFlags::TRUNCATE)
        {
            self.refuse_shared(&fd, path_flags, &path).await?;
        }
        self.inner
            .open_at(fd, path_flags, path, oflags, flags)
            .await
    }

    fn drop(&mut self, fd: Resource<types::Descriptor>) -> wasmtime::Result<()> {
        HostDescriptor::drop(&mut self.inner, fd)
    }

    async fn readlink_at(
        &mut self,
        fd: Resource<types::Descriptor>,
        path: String,
    ) -> FsResult<String> {
        self.inner.readlink_at(fd, path).await
    }

    async fn remove_directory_at(
        &mut self,
        fd: Resource<types::Descriptor>,
        path: String,
    ) -> FsResult<()> {
        self.inner.remove_directory_at(fd, path).await
    }

    async fn rename_at(
        &mut self,
        fd: Resource<types::Descriptor>,
        old_path: String,
        new_fd: Resource<types::Descriptor>,
        new_path: String,
    ) -> FsResult<()> {
        self.inner.rename_at(fd, old_path, new_fd, new_path).await
    }

    async fn symlink_at(
        &mut self,
        fd: Resource<types::Descriptor>,
        src_path: String,
        dest_path: String,
    ) -> FsResult<()> {
        self.charge_entry()?;
        self.inner.symlink_at(fd, src_path, dest_path).await
    }

    async fn unlink_file_at(
        &mut self,
        fd: Resource<types::Descriptor>,
        path: String,
    ) -> FsResult<()> {
        self.inner.unlink_file_at(fd, path).await
    }

    fn read_via_stream(
        &mut self,
        fd: Resource<types::Descriptor>,
        offset: types::Filesize,
    ) -> FsResult<Resource<DynInputStream>> {
        self.inner.read_via_stream(fd, offset)
    }

    /// A stream opened past the end of the file is charged the hole at once.
    fn write_via_stream(
        &mut self,
        fd: Resource<types::Descriptor>,
        offset: types::Filesize,
    ) -> FsResult<Resource<DynOutputStream>> {
        let hole = offset.saturating_sub(self.size_of(&fd)?);
        self.charge_bytes(hole)?;
        let res = self.inner.write_via_stream(fd, offset)?;
        self.metered(res)
    }

    fn append_via_stream(
        &mut self,
        fd: Resource<types::Descriptor>,
    ) -> FsResult<Resource<DynOutputStream>> {
        let res = self.inner.append_via_stream(fd)?;
        self.metered(res)
    }

    async fn is_same_object(
        &mut self,
        a: Resource<types::Descriptor>,
        b: Resource<types::Descriptor>,
    ) -> wasmtime::Result<bool> {
        self.inner.is_same_object(a, b).await
    }

    async fn metadata_hash(
        &mut self,
        fd: Resource<types::Descriptor>,
    ) -> FsResult<types::MetadataHashValue> {
        self.inner.metadata_hash(fd).await
    }

    async fn metadata_hash_at(
        &mut self,
        fd: Resource<types::Descriptor>,
        path_flags: types::PathFlags,
        path: String,
    ) -> FsResult<types::MetadataHashValue> {
        self.inner.metadata_hash_at(fd, path_flags, path).await
    }
}

impl HostDirectoryEntryStream for MeteredFs<'_> {
    async fn read_directory_entry(
        &mut self,
        stream: Resource<types::DirectoryEntryStream>,
    ) -> FsResult<Option<types::DirectoryEntry>> {
        self.inner.read_directory_entry(stream).await
    }

    fn drop(&mut self, stream: Resource<types::DirectoryEntryStream>) -> wasmtime::Result<()> {
        HostDirectoryEntryStream::drop(&mut self.inner, stream)
    }
}

/// A file's output stream whose writes are charged to the meter.
struct MeteredStream {
    inner: DynOutputStream,
    meter: Arc<Meter>,
}

#[wasmtime_wasi::async_trait]
impl OutputStream for MeteredStream {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.meter
            .charge_write(bytes.len() as u64)
            .map_err(|e| StreamError::Trap(e.into()))?;
        self.inner.write(bytes)
    }

    fn flush(&mut self) -> StreamResult<()> {
        self.inner.flush()
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        self.inner.check_write()
    }

    async fn cancel(&mut self) {
        self.inner.cancel().await
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for MeteredStream {
    async fn ready(&mut self) {
        self.inner.ready().await
    }
}
