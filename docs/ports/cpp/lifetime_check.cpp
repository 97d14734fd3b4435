// lifetime_check: the allocator outlives every call still running in it (PORTING.md section 5).
// A waiter is blocked; the client closes the allocator and drops its last reference; then the last
// sample's final Release completes the decommit and drops the self-reference. The waiter, woken by
// Close, still has to retake the allocator's mutex and return: its call's own reference must keep
// the allocator alive until then. Under -fsanitize=address a port that forgets that reference dies
// here with heap-use-after-free. The hold hooks make the moment certain, not a matter of timing:
// the woken waiter is held in afterWake (the allocator's lock dropped) until the decommit has
// completed and every other reference is gone, and only then goes back for the lock.
//
//   lifetime_check [ROUNDS]      exit 0 when every round's waiter returned VFW_E_NOT_COMMITTED
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>

#include "memallocator.hpp"

using namespace memallocator;

// Holds every woken waiter in afterWake until let go.
struct HoldUntilLetGo : HoldHooks {
    std::mutex m;
    std::condition_variable cv;
    bool held = false;
    bool letGo = false;
    void beforePark(std::thread::id) override {}
    void afterWake(std::thread::id) override {
        std::unique_lock<std::mutex> lock(m);
        held = true;
        cv.notify_all();
        cv.wait(lock, [this] { return letGo; });
    }
    void awaitHeld() {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [this] { return held; });
    }
    void release() {
        std::lock_guard<std::mutex> lock(m);
        letGo = true;
        cv.notify_all();
    }
};

int main(int argc, char** argv) {
    int rounds = argc > 1 ? std::stoi(argv[1]) : 20;
    for (int round = 0; round < rounds; round++) {
        MemAllocator* a = MemAllocator::Create();
        AllocatorProperties request{1, 100, 8, 0}, actual;
        MediaSample* sample = nullptr;
        if (a->SetProperties(&request, &actual) != S_OK || a->Commit() != S_OK
                || a->GetBuffer(&sample, nullptr, nullptr, 0) != S_OK) {
            std::printf("round %d: cannot set up\n", round);
            return 1;
        }
        HoldUntilLetGo hold;
        a->SetHoldHooks(&hold);
        HRESULT waiterResult = S_OK;
        std::thread waiter([a, &waiterResult] {
            MediaSample* none = nullptr;
            waiterResult = a->GetBuffer(&none, nullptr, nullptr, 0);
        });
        while (a->WaitingCount() == 0) {
            std::this_thread::yield();
        }
        a->Close();         // the decommit is pending: the waiter is woken
        hold.awaitHeld();   // evidence: the waiter is out of its wait, held, without the lock
        a->Release();       // the client's last reference
        sample->Release();  // the decommit completes: the self-reference goes
        hold.release();     // only now may the woken waiter go back for the allocator's lock
        waiter.join();
        if (waiterResult != VFW_E_NOT_COMMITTED) {
            std::printf("round %d: the waiter returned %s, not VFW_E_NOT_COMMITTED\n", round, hresultName(waiterResult));
            return 1;
        }
    }
    std::printf("%d rounds: every waiter returned VFW_E_NOT_COMMITTED\n", rounds);
    return 0;
}
