// memallocator.cpp: the allocator of memallocator.hpp. One std::mutex, one std::condition_variable,
// a LIFO free list; each locked region is one step of spec/MemAllocator.tla, named in its comment.
//
// Three broken builds, for the model tests (never define these in a product):
//   MEMALLOCATOR_BROKEN_DECOMMIT_NOTIFY_ONE  Decommit wakes one waiter instead of all of them
//   MEMALLOCATOR_BROKEN_IF_NOT_WHILE         the wait loop is an `if`: a woken waiter does not re-check
//   MEMALLOCATOR_BROKEN_EARLY_FREE           Decommit frees the memory while samples are still out
//   MEMALLOCATOR_BROKEN_NO_CALL_REF          a call holds no reference: the allocator can die under it
#include "memallocator.hpp"

#include <climits>
#include <cstring>

namespace memallocator {

const char* hresultName(HRESULT hr) {
    switch (hr) {
#define MEMALLOCATOR_NAME(x) case x: return #x;
        MEMALLOCATOR_NAME(S_OK) MEMALLOCATOR_NAME(S_FALSE) MEMALLOCATOR_NAME(VFW_S_NO_STOP_TIME)
        MEMALLOCATOR_NAME(E_POINTER) MEMALLOCATOR_NAME(E_NOINTERFACE) MEMALLOCATOR_NAME(E_FAIL)
        MEMALLOCATOR_NAME(E_INVALIDARG) MEMALLOCATOR_NAME(E_OUTOFMEMORY) MEMALLOCATOR_NAME(CLASS_E_NOAGGREGATION)
        MEMALLOCATOR_NAME(VFW_E_BUFFER_NOTSET) MEMALLOCATOR_NAME(VFW_E_BUFFER_OVERFLOW)
        MEMALLOCATOR_NAME(VFW_E_BADALIGN) MEMALLOCATOR_NAME(VFW_E_ALREADY_COMMITTED)
        MEMALLOCATOR_NAME(VFW_E_BUFFERS_OUTSTANDING) MEMALLOCATOR_NAME(VFW_E_NOT_COMMITTED)
        MEMALLOCATOR_NAME(VFW_E_SIZENOTSET) MEMALLOCATOR_NAME(VFW_E_STATE_CHANGED)
        MEMALLOCATOR_NAME(VFW_E_WRONG_STATE) MEMALLOCATOR_NAME(VFW_E_TIMEOUT)
        MEMALLOCATOR_NAME(VFW_E_SAMPLE_TIME_NOT_SET) MEMALLOCATOR_NAME(VFW_E_MEDIA_TIME_NOT_SET)
#undef MEMALLOCATOR_NAME
        default: return "UNKNOWN";
    }
}

// ------------------------------------------------------------ the arithmetic (PORTING.md section 2)

bool hasValidAlignment(const AllocatorProperties& p) {
    return p.cbAlign >= 1 && p.cbAlign <= 65536 && (p.cbAlign & (p.cbAlign - 1)) == 0;
}

// Floor division; C++'s `/` truncates toward zero, which is not a ceiling for negative sums.
static std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

AllocatorProperties rounded(const AllocatorProperties& p) {
    std::int64_t sum = std::int64_t{p.cbBuffer} + p.cbPrefix;
    std::int64_t roundedUp = floorDiv(sum + p.cbAlign - 1, p.cbAlign) * p.cbAlign;
    std::int64_t size = roundedUp - p.cbPrefix;
    AllocatorProperties r = p;
    r.cbBuffer = static_cast<std::int32_t>(size > INT32_MAX ? INT32_MAX : size);
    return r;
}

HRESULT commitError(const AllocatorProperties& p) {
    if (p.cBuffers <= 0 || p.cbBuffer <= 0 || p.cbAlign <= 0) {
        return VFW_E_SIZENOTSET;
    }
    std::int64_t blockBytes = p.cBuffers * (std::int64_t{p.cbBuffer} + p.cbPrefix) + p.cbAlign - 1;
    if (p.cbPrefix < 0 || blockBytes > INT32_MAX) {
        return E_OUTOFMEMORY;
    }
    return S_OK;
}

// ------------------------------------------------------------ memory of one commit cycle

struct MemAllocator::Memory {
    std::unique_ptr<std::uint8_t[]> block;
    std::vector<std::unique_ptr<MediaSample>> samples;  // buffer i + 1 at index i
};

MemAllocator* MemAllocator::Create() {
    return new MemAllocator();
}

MemAllocator::~MemAllocator() = default;

unsigned long MemAllocator::AddRef() {
    return ++comRefs_;
}

unsigned long MemAllocator::Release() {
    unsigned long left = --comRefs_;
    if (left == 0) {
        delete this;
    }
    return left;
}

// Each public call holds a reference for its duration (PORTING.md section 5, "Object lifetime").
namespace {
struct CallRef {
    MemAllocator* a;
#ifdef MEMALLOCATOR_BROKEN_NO_CALL_REF
    explicit CallRef(MemAllocator* a) : a(a) {}  // BROKEN: a call does not keep the allocator alive
#else
    explicit CallRef(MemAllocator* a) : a(a) { a->AddRef(); }
    ~CallRef() { a->Release(); }
#endif
};
}  // namespace

int MemAllocator::outstanding() const {
    return memory_ ? static_cast<int>(memory_->samples.size() - freeList_.size()) : 0;
}

// Commit's allocation: one block, every buffer free (buffer 1 on top), the self-reference taken.
HRESULT MemAllocator::allocate() {
    const AllocatorProperties& p = props_;
    std::int64_t stride = std::int64_t{p.cbBuffer} + p.cbPrefix;
    auto memory = std::make_unique<Memory>();
    memory->block.reset(new (std::nothrow) std::uint8_t[p.cBuffers * stride + p.cbAlign - 1]);
    if (!memory->block) {
        return E_OUTOFMEMORY;  // the spec does not model a failing allocation
    }
    auto base = reinterpret_cast<std::uintptr_t>(memory->block.get());
    std::uint8_t* aligned = memory->block.get() + ((p.cbAlign - base % p.cbAlign) % p.cbAlign);
    for (int i = 0; i < p.cBuffers; i++) {
        memory->samples.emplace_back(new MediaSample(this, i + 1, aligned + i * stride + p.cbPrefix, p.cbBuffer));
    }
    freeList_.clear();
    for (int i = p.cBuffers - 1; i >= 0; i--) {
        freeList_.push_back(memory->samples[i].get());
    }
    memory_ = std::move(memory);
    committed_ = true;
    selfRef_ = true;
    AddRef();
    return S_OK;
}

// The decommit completes: the memory and the self-reference go. The caller frees the returned memory
// and drops the self-reference (Release) after unlocking: either may destroy what a caller still uses.
std::unique_ptr<MemAllocator::Memory> MemAllocator::dropMemory() {
    freeList_.clear();
    decommitPending_ = false;
    return std::move(memory_);
}

// Decommit's effect, shared with Close. Returns the memory to free if the decommit completed.
std::unique_ptr<MemAllocator::Memory> MemAllocator::decommitEffect() {
    if (!committed_) {
        return nullptr;  // never committed, decommitted, or a decommit already pending
    }
    committed_ = false;
    std::unique_ptr<Memory> dropped;
#ifdef MEMALLOCATOR_BROKEN_EARLY_FREE
    dropped = dropMemory();  // BROKEN: frees the samples still out
#else
    if (outstanding() > 0) {
        decommitPending_ = true;
    } else {
        dropped = dropMemory();
    }
#endif
    if (waiters_ > 0) {
#ifdef MEMALLOCATOR_BROKEN_DECOMMIT_NOTIFY_ONE
        bufferFreeOrNotCommitted_.notify_one();  // BROKEN: the other waiters sleep on
#else
        bufferFreeOrNotCommitted_.notify_all();
#endif
    }
    return dropped;
}

// GetBufferOk / WakeWithSample: pops the top of the free list with count 1.
MediaSample* MemAllocator::pop() {
    MediaSample* s = freeList_.back();
    freeList_.pop_back();
    s->refs_ = 1;
    return s;
}

// The effect of ReleaseBuffer, inside the final Release: push, wake one waiter, and complete a pending
// decommit when this was the last sample out.
std::unique_ptr<MemAllocator::Memory> MemAllocator::returnBuffer(MediaSample* s) {
    freeList_.push_back(s);
    if (waiters_ > 0) {
        bufferFreeOrNotCommitted_.notify_one();
    }
    if (decommitPending_ && freeList_.size() == memory_->samples.size()) {
        return dropMemory();
    }
    return nullptr;
}

// ------------------------------------------------------------ IMemAllocator

// Spec action SetProperties. Checks in Microsoft's order: alignment, committed, outstanding.
HRESULT MemAllocator::SetProperties(const AllocatorProperties* request, AllocatorProperties* actual) {
    if (request == nullptr || actual == nullptr) {
        return E_POINTER;  // not a spec step
    }
    CallRef ref(this);
    std::lock_guard<std::mutex> guard(lock_);
    if (!clientRef_) {
        return E_FAIL;
    }
    HRESULT hr = !hasValidAlignment(*request) ? VFW_E_BADALIGN
            : committed_ ? VFW_E_ALREADY_COMMITTED
            : outstanding() > 0 ? VFW_E_BUFFERS_OUTSTANDING
            : S_OK;
    if (hr == S_OK) {
        props_ = rounded(*request);
        *actual = props_;
    }
    return hr;
}

HRESULT MemAllocator::GetProperties(AllocatorProperties* props) {
    if (props == nullptr) {
        return E_POINTER;
    }
    CallRef ref(this);
    std::lock_guard<std::mutex> guard(lock_);
    if (!clientRef_) {
        return E_FAIL;
    }
    *props = props_;
    return S_OK;
}

// Spec action Commit: idempotent; cancels a pending decommit without allocating; else allocates.
HRESULT MemAllocator::Commit() {
    CallRef ref(this);
    std::lock_guard<std::mutex> guard(lock_);
    if (!clientRef_) {
        return E_FAIL;
    }
    if (decommitPending_) {
        decommitPending_ = false;
        committed_ = true;
        return S_OK;
    }
    if (committed_) {
        return S_OK;
    }
    HRESULT hr = commitError(props_);
    return hr == S_OK ? allocate() : hr;
}

// Spec action Decommit: always S_OK, never waits.
HRESULT MemAllocator::Decommit() {
    CallRef ref(this);
    std::unique_ptr<Memory> dropped;
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (!clientRef_) {
            return E_FAIL;
        }
        dropped = decommitEffect();
    }
    if (dropped) {
        dropped.reset();
        Release();  // the self-reference
    }
    return S_OK;
}

// Spec action Close: Decommit's effect, then refuse. A second Close does nothing.
HRESULT MemAllocator::Close() {
    CallRef ref(this);
    std::unique_ptr<Memory> dropped;
    {
        std::lock_guard<std::mutex> guard(lock_);
        if (!clientRef_) {
            return S_OK;
        }
        dropped = decommitEffect();
        clientRef_ = false;
    }
    if (dropped) {
        dropped.reset();
        Release();
    }
    return S_OK;
}

HRESULT MemAllocator::GetBuffer(MediaSample** sample, const REFERENCE_TIME*, const REFERENCE_TIME*,
                                std::uint32_t flags) {
    return take(sample, flags, false, {});
}

HRESULT MemAllocator::GetBufferTimed(MediaSample** sample, std::uint32_t flags, std::int64_t timeoutMs) {
    return take(sample, flags, true,
                std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs < 0 ? 0 : timeoutMs));
}

// GetBufferNotCommitted, GetBufferOk, GetBufferTimeout, or GetBufferBlocks and the wait.
HRESULT MemAllocator::take(MediaSample** out, std::uint32_t flags, bool timed,
                           std::chrono::steady_clock::time_point deadline) {
    if (out == nullptr) {
        return E_POINTER;
    }
    *out = nullptr;
    CallRef ref(this);
    std::unique_lock<std::mutex> lock(lock_);
    if (!clientRef_) {
        return E_FAIL;
    }
    if (!committed_) {
        return VFW_E_NOT_COMMITTED;
    }
    if (!freeList_.empty()) {
        *out = pop();
        return S_OK;
    }
    if ((flags & AM_GBF_NOWAIT) != 0 || (timed && std::chrono::steady_clock::now() >= deadline)) {
        return VFW_E_TIMEOUT;
    }
    return awaitBuffer(lock, out, timed, deadline);
}

// GetBufferBlocks, then WakeWithSample, WakeNotCommitted or WaitTimedOut. The loop re-checks after
// every wake-up: a waiter that finds the allocator committed with nothing free waits again.
HRESULT MemAllocator::awaitBuffer(std::unique_lock<std::mutex>& lock, MediaSample** out, bool timed,
                                  std::chrono::steady_clock::time_point deadline) {
    waiters_++;
#ifdef MEMALLOCATOR_BROKEN_IF_NOT_WHILE
    if (committed_ && freeList_.empty() && !(timed && std::chrono::steady_clock::now() >= deadline)) {
#else
    while (committed_ && freeList_.empty() && !(timed && std::chrono::steady_clock::now() >= deadline)) {
#endif
        if (hooks_ != nullptr) {
            hooks_->beforePark(std::this_thread::get_id());
        }
        if (timed) {
            bufferFreeOrNotCommitted_.wait_until(lock, deadline);
        } else {
            bufferFreeOrNotCommitted_.wait(lock);
        }
        if (hooks_ != nullptr) {  // tests only: the runner may hold this thread here
            HoldHooks* hooks = hooks_;
            lock.unlock();
            hooks->afterWake(std::this_thread::get_id());
            lock.lock();
        }
    }
    waiters_--;
    if (!committed_) {
        return VFW_E_NOT_COMMITTED;
    }
    if (freeList_.empty()) {  // only when timed: the deadline passed (or, broken, a second waiter)
        return VFW_E_TIMEOUT;
    }
    *out = pop();
    return S_OK;
}

void MemAllocator::SetHoldHooks(HoldHooks* hooks) {
    std::lock_guard<std::mutex> guard(lock_);
    hooks_ = hooks;
}

int MemAllocator::WaitingCount() {
    std::lock_guard<std::mutex> guard(lock_);
    return waiters_;
}

// ------------------------------------------------------------ IMediaSample

MediaSample::MediaSample(MemAllocator* owner, int number, std::uint8_t* data, long size)
    : owner_(owner), number_(number), data_(data), size_(size), actualLength_(size) {}

// Spec action AddRef.
unsigned long MediaSample::AddRef() {
    std::lock_guard<std::mutex> guard(owner_->lock_);
    return ++refs_;
}

// The final Release clears the per-use properties (the actual length and time values stay).
void MediaSample::recycle() {
    syncPoint_ = preroll_ = discontinuity_ = false;
    timeValid_ = stopValid_ = mediaTimeValid_ = false;
    mediaType_.reset();
}

// Spec action Release. The final one hands the buffer back in the same step; if that completes a
// pending decommit, the memory (this sample included) is freed and the self-reference dropped, after
// the lock, and nothing of this sample is touched from then on.
unsigned long MediaSample::Release() {
    MemAllocator* a = owner_;
    CallRef ref(a);
    unsigned long left;
    std::unique_ptr<MemAllocator::Memory> dropped;
    {
        std::lock_guard<std::mutex> guard(a->lock_);
        if (refs_ == 0) {
            return 0;  // misuse: released more often than referenced; not a spec step
        }
        left = --refs_;
        if (left == 0) {
            recycle();
            dropped = a->returnBuffer(this);
        }
    }
    if (dropped) {
        dropped.reset();  // may delete this
        a->Release();     // the self-reference
    }
    return left;
}

HRESULT MediaSample::GetPointer(std::uint8_t** buffer) {
    if (buffer == nullptr) {
        return E_POINTER;
    }
    *buffer = data_;
    return S_OK;
}

long MediaSample::GetSize() { return size_; }

long MediaSample::GetActualDataLength() { return actualLength_; }

// 0 <= length <= GetSize() (Wine's check; Microsoft checks only length > size).
HRESULT MediaSample::SetActualDataLength(long length) {
    if (length < 0 || length > size_) {
        return VFW_E_BUFFER_OVERFLOW;
    }
    actualLength_ = length;
    return S_OK;
}

HRESULT MediaSample::GetTime(REFERENCE_TIME* start, REFERENCE_TIME* end) {
    if (start == nullptr || end == nullptr) {
        return E_POINTER;
    }
    if (!timeValid_) {
        return VFW_E_SAMPLE_TIME_NOT_SET;
    }
    *start = start_;
    if (!stopValid_) {
        *end = start_ + 1;
        return VFW_S_NO_STOP_TIME;
    }
    *end = end_;
    return S_OK;
}

HRESULT MediaSample::SetTime(const REFERENCE_TIME* start, const REFERENCE_TIME* end) {
    timeValid_ = start != nullptr;
    stopValid_ = start != nullptr && end != nullptr;
    if (timeValid_) {
        start_ = *start;
    }
    if (stopValid_) {
        end_ = *end;
    }
    return S_OK;
}

HRESULT MediaSample::GetMediaTime(std::int64_t* start, std::int64_t* end) {
    if (start == nullptr || end == nullptr) {
        return E_POINTER;
    }
    if (!mediaTimeValid_) {
        return VFW_E_MEDIA_TIME_NOT_SET;
    }
    *start = mediaStart_;
    *end = mediaEnd_;
    return S_OK;
}

HRESULT MediaSample::SetMediaTime(const std::int64_t* start, const std::int64_t* end) {
    if (start != nullptr && end == nullptr) {
        return E_POINTER;
    }
    mediaTimeValid_ = start != nullptr;
    if (mediaTimeValid_) {
        mediaStart_ = *start;
        mediaEnd_ = *end;
    }
    return S_OK;
}

HRESULT MediaSample::IsSyncPoint() { return syncPoint_ ? S_OK : S_FALSE; }
HRESULT MediaSample::SetSyncPoint(bool value) { syncPoint_ = value; return S_OK; }
HRESULT MediaSample::IsPreroll() { return preroll_ ? S_OK : S_FALSE; }
HRESULT MediaSample::SetPreroll(bool value) { preroll_ = value; return S_OK; }
HRESULT MediaSample::IsDiscontinuity() { return discontinuity_ ? S_OK : S_FALSE; }
HRESULT MediaSample::SetDiscontinuity(bool value) { discontinuity_ = value; return S_OK; }

HRESULT MediaSample::GetMediaType(std::optional<std::string>* type) {
    if (type == nullptr) {
        return E_POINTER;
    }
    *type = mediaType_;
    return mediaType_ ? S_OK : S_FALSE;
}

HRESULT MediaSample::SetMediaType(const std::string* type) {
    if (type == nullptr) {
        mediaType_.reset();
    } else {
        mediaType_ = *type;
    }
    return S_OK;
}

}  // namespace memallocator
