// memallocator.hpp: a C++17 reference port of memallocator's IMemAllocator (spec/MemAllocator.tla,
// src/main/java/org/memallocator/MonitorMemAllocator.java). Read it beside those two files: the state
// has the spec's names (committed, decommitPending, freeList, waiters, selfRef, clientRef), and each
// locked region of memallocator.cpp is one spec step.
//
// This is not COM: no IUnknown, no GUIDs. The shapes follow IMemAllocator and IMediaSample closely
// enough for a porter to map them one to one (PORTING.md).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace memallocator {

using HRESULT = std::int32_t;
using REFERENCE_TIME = std::int64_t;

// Every HRESULT the allocator and its samples can produce, with its 32-bit value from the Windows SDK
// headers winerror.h and vfwmsgs.h; the same table as src/main/java/org/memallocator/HResult.java
// (model-tests/.../ports/CppHResultTest checks that they agree). One constant per line, in this exact form.
constexpr HRESULT S_OK = static_cast<HRESULT>(0x00000000u);
constexpr HRESULT S_FALSE = static_cast<HRESULT>(0x00000001u);
constexpr HRESULT VFW_S_NO_STOP_TIME = static_cast<HRESULT>(0x00040270u);
constexpr HRESULT E_POINTER = static_cast<HRESULT>(0x80004003u);
constexpr HRESULT E_NOINTERFACE = static_cast<HRESULT>(0x80004002u);
constexpr HRESULT E_FAIL = static_cast<HRESULT>(0x80004005u);
constexpr HRESULT E_INVALIDARG = static_cast<HRESULT>(0x80070057u);
constexpr HRESULT E_OUTOFMEMORY = static_cast<HRESULT>(0x8007000Eu);
constexpr HRESULT CLASS_E_NOAGGREGATION = static_cast<HRESULT>(0x80040110u);
constexpr HRESULT VFW_E_BUFFER_NOTSET = static_cast<HRESULT>(0x8004020Cu);
constexpr HRESULT VFW_E_BUFFER_OVERFLOW = static_cast<HRESULT>(0x8004020Du);
constexpr HRESULT VFW_E_BADALIGN = static_cast<HRESULT>(0x8004020Eu);
constexpr HRESULT VFW_E_ALREADY_COMMITTED = static_cast<HRESULT>(0x8004020Fu);
constexpr HRESULT VFW_E_BUFFERS_OUTSTANDING = static_cast<HRESULT>(0x80040210u);
constexpr HRESULT VFW_E_NOT_COMMITTED = static_cast<HRESULT>(0x80040211u);
constexpr HRESULT VFW_E_SIZENOTSET = static_cast<HRESULT>(0x80040212u);
constexpr HRESULT VFW_E_STATE_CHANGED = static_cast<HRESULT>(0x80040223u);
constexpr HRESULT VFW_E_WRONG_STATE = static_cast<HRESULT>(0x80040227u);
constexpr HRESULT VFW_E_TIMEOUT = static_cast<HRESULT>(0x8004022Eu);
constexpr HRESULT VFW_E_SAMPLE_TIME_NOT_SET = static_cast<HRESULT>(0x80040249u);
constexpr HRESULT VFW_E_MEDIA_TIME_NOT_SET = static_cast<HRESULT>(0x80040251u);

// GetBuffer flags: only AM_GBF_NOWAIT is honoured; 1, 2 and 8 are accepted and ignored.
constexpr std::uint32_t AM_GBF_NOWAIT = 4;

// The name of an HRESULT of the table above ("VFW_E_TIMEOUT"), or "UNKNOWN".
const char* hresultName(HRESULT hr);

// ALLOCATOR_PROPERTIES, and the three rules that turn a request into a layout (PORTING.md section 2,
// "Arithmetic"; Java: AllocatorProperties.java).
struct AllocatorProperties {
    std::int32_t cBuffers = 0;
    std::int32_t cbBuffer = 0;
    std::int32_t cbAlign = 0;
    std::int32_t cbPrefix = 0;

    bool operator==(const AllocatorProperties& o) const {
        return cBuffers == o.cBuffers && cbBuffer == o.cbBuffer && cbAlign == o.cbAlign && cbPrefix == o.cbPrefix;
    }
};

// SetProperties' check: cbAlign is a power of two from 1 to 65536.
bool hasValidAlignment(const AllocatorProperties& p);
// What SetProperties grants: ceil((cbBuffer + cbPrefix) / cbAlign) * cbAlign - cbPrefix, computed in
// 64 bits (a true ceiling, also for negative sums) and saturated at INT32_MAX; the rest echoed.
AllocatorProperties rounded(const AllocatorProperties& p);
// Why Commit cannot lay the stored properties out: VFW_E_SIZENOTSET, E_OUTOFMEMORY, or S_OK.
HRESULT commitError(const AllocatorProperties& p);

// The hold hooks (tests only; PORTING.md section 4). Both get the calling thread's identity.
// beforePark: called with the allocator's lock held, right before the thread waits on the condition,
//   every time round the wait loop.
// afterWake: called after the wait returned, before the state is re-checked, WITHOUT the lock (the
//   allocator drops it around the call); a runner blocks here to hold a woken thread.
struct HoldHooks {
    virtual ~HoldHooks() = default;
    virtual void beforePark(std::thread::id thread) = 0;
    virtual void afterWake(std::thread::id thread) = 0;
};

class MemAllocator;

// IMediaSample. Owned by its allocator: it lives as long as the memory of its commit cycle.
class MediaSample {
public:
    unsigned long AddRef();
    // The final Release hands the buffer back and may destroy this sample (the decommit completes)
    // and the allocator (its last reference): touch nothing of a sample after its final Release.
    unsigned long Release();

    HRESULT GetPointer(std::uint8_t** buffer);
    long GetSize();
    long GetActualDataLength();
    HRESULT SetActualDataLength(long length);
    HRESULT GetTime(REFERENCE_TIME* start, REFERENCE_TIME* end);
    HRESULT SetTime(const REFERENCE_TIME* start, const REFERENCE_TIME* end);
    HRESULT GetMediaTime(std::int64_t* start, std::int64_t* end);
    HRESULT SetMediaTime(const std::int64_t* start, const std::int64_t* end);
    HRESULT IsSyncPoint();
    HRESULT SetSyncPoint(bool value);
    HRESULT IsPreroll();
    HRESULT SetPreroll(bool value);
    HRESULT IsDiscontinuity();
    HRESULT SetDiscontinuity(bool value);
    // The media type is an opaque string here. S_FALSE (and *type empty) when there is none.
    HRESULT GetMediaType(std::optional<std::string>* type);
    HRESULT SetMediaType(const std::string* type);

private:
    friend class MemAllocator;
    MediaSample(MemAllocator* owner, int number, std::uint8_t* data, long size);
    void recycle();

    MemAllocator* const owner_;  // no reference: the allocator's selfRef keeps it alive meanwhile
    const int number_;           // buffer number 1..cBuffers, as in the spec
    std::uint8_t* const data_;
    const long size_;
    unsigned long refs_ = 0;     // guarded by the allocator's lock
    long actualLength_;
    REFERENCE_TIME start_ = 0, end_ = 0;
    std::int64_t mediaStart_ = 0, mediaEnd_ = 0;
    bool timeValid_ = false, stopValid_ = false, mediaTimeValid_ = false;
    bool syncPoint_ = false, preroll_ = false, discontinuity_ = false;
    std::optional<std::string> mediaType_;
};

// IMemAllocator (CMemAllocator's contract). Create() gives an allocator with one reference; every
// call holds a reference of its own for its duration, so a Release by another thread cannot destroy
// the allocator under a call that is still running (a blocked GetBuffer, say).
class MemAllocator {
public:
    static MemAllocator* Create();

    unsigned long AddRef();
    unsigned long Release();

    HRESULT SetProperties(const AllocatorProperties* request, AllocatorProperties* actual);
    HRESULT GetProperties(AllocatorProperties* props);
    HRESULT Commit();
    HRESULT Decommit();
    // The start and end times are ignored, as by Microsoft's and Wine's allocators.
    HRESULT GetBuffer(MediaSample** sample, const REFERENCE_TIME* start, const REFERENCE_TIME* end,
                      std::uint32_t flags);
    // Java's timed getBuffer(flags, timeout): one deadline for the whole call; VFW_E_TIMEOUT when it
    // passes with nothing free. Not part of IMemAllocator (which waits INFINITE).
    HRESULT GetBufferTimed(MediaSample** sample, std::uint32_t flags, std::int64_t timeoutMs);
    // Java's close(): the client's last use. Decommit's effect, then every allocator call but
    // AddRef/Release fails with E_FAIL. Microsoft's final Release does not decommit (see PORTING.md).
    HRESULT Close();

    // Tests only: installs (or with nullptr removes) the hold hooks.
    void SetHoldHooks(HoldHooks* hooks);
    // GetBuffer calls blocked, or woken and not yet returned.
    int WaitingCount();

private:
    friend class MediaSample;
    struct Memory;  // one commit cycle: the block and its samples

    MemAllocator() = default;
    ~MemAllocator();
    HRESULT take(MediaSample** out, std::uint32_t flags, bool timed,
                 std::chrono::steady_clock::time_point deadline);
    HRESULT awaitBuffer(std::unique_lock<std::mutex>& lock, MediaSample** out, bool timed,
                        std::chrono::steady_clock::time_point deadline);
    HRESULT allocate();
    std::unique_ptr<Memory> dropMemory();
    std::unique_ptr<Memory> decommitEffect();
    MediaSample* pop();
    std::unique_ptr<Memory> returnBuffer(MediaSample* s);
    int outstanding() const;

    std::atomic<unsigned long> comRefs_{1};
    std::mutex lock_;
    std::condition_variable bufferFreeOrNotCommitted_;
    // All below guarded by lock_.
    AllocatorProperties props_;
    bool committed_ = false;
    bool decommitPending_ = false;
    std::unique_ptr<Memory> memory_;           // the spec's buffers; null without memory
    std::vector<MediaSample*> freeList_;       // LIFO: top at the back
    int waiters_ = 0;
    bool selfRef_ = false;                     // the allocating Commit's reference, held with memory
    bool clientRef_ = true;                    // false once closed
    HoldHooks* hooks_ = nullptr;
};

}  // namespace memallocator
