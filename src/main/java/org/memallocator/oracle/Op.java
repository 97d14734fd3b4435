package org.memallocator.oracle;

/**
 * The calls a history records: the {@code IMemAllocator} methods a client makes and the
 * {@code AddRef}/{@code Release} of a sample. Each name is the {@code "op"} of a history line.
 */
public enum Op {
    /** {@code IMemAllocator::SetProperties}: call {@code "request"}; S_OK return {@code "props"}. */
    SetProperties,
    /** {@code IMemAllocator::GetProperties}: S_OK return {@code "props"}. Not a spec step; changes nothing. */
    GetProperties,
    /** {@code IMemAllocator::Commit}. */
    Commit,
    /** {@code IMemAllocator::Decommit}. */
    Decommit,
    /**
     * {@code IMemAllocator::GetBuffer}: call {@code "flags"}, optional {@code "timeoutMs"} (the
     * Java timed variant) and {@code "startTime"}/{@code "endTime"} (ignored); S_OK return
     * {@code "sample"}.
     */
    GetBuffer,
    /** {@code IMediaSample::AddRef}: call {@code "sample"}; return {@code "refs"}, the new count. */
    AddRef,
    /** {@code IMediaSample::Release}: call {@code "sample"}; return {@code "refs"}, the new count. */
    Release,
    /** The client's last reference to the allocator (Java {@code close()}): decommits first. */
    Close;

    /** Whether the op is a call on a sample rather than on the allocator. */
    public boolean onSample() {
        return this == AddRef || this == Release;
    }
}
