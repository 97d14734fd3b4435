// record_history: runs a random concurrent workload on the C++ port and records it as a history
// (docs/history.schema.json) for `memallocator check-history`.
//
//   record_history --out FILE [--threads 4] [--ops 2000] [--seed 1] [--patience-ms 20000]
//                  [--end-marker] [--settle-ms 300]
//
// Workers t1..tN make blocking, AM_GBF_NOWAIT and timed GetBuffer calls, AddRef and Release their
// samples, Commit, Decommit, SetProperties and GetProperties; t1 starts with SetProperties and Commit.
// A worker makes a blocking GetBuffer only while it holds no sample, and releases everything it holds
// when its operations are done, so with a sound allocator every call returns.
//
// Recording safely: each event is one line, written and flushed under one mutex as it happens (a crash
// leaves a checkable prefix; a torn last line is rejected as malformed, exit 2). The call line goes
// just before the call, the return line just after it. A Release's sample id is taken BEFORE the call:
// a final Release may free the sample. With --end-marker, after the workers are done (or after the
// patience, if some call never returns) and N ms without an event, the last line is
// {"event":"end","settleMs":N}; the checker then names a call still pending that should have
// returned a "lost wake-up". Nothing is recorded after it.
//
// Exit status: 0 recorded (every worker finished), 1 recorded, but some call never returned, 2 bad
// arguments or the file cannot be written.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include "json.hpp"
#include "memallocator.hpp"

using namespace memallocator;
using Clock = std::chrono::steady_clock;

namespace {

// The history file: one line per event, flushed at once, under one mutex shared by every thread.
class Log {
public:
    explicit Log(std::FILE* out) : out_(out) {}

    void call(const std::string& thread, const std::string& op, const std::string& fields) {
        write("{\"thread\":\"" + thread + "\",\"event\":\"call\",\"op\":\"" + op + "\"" + fields + "}");
    }
    void ret(const std::string& thread, const std::string& op, HRESULT hr, const std::string& fields) {
        write("{\"thread\":\"" + thread + "\",\"event\":\"return\",\"op\":\"" + op + "\",\"hr\":\""
              + hresultName(hr) + "\"" + fields + "}");
    }
    // A sample's id: one per sample object, stable while it lives (an address may come back in a
    // later commit cycle with the same id, which the format allows).
    long id(MediaSample* s) {
        std::lock_guard<std::mutex> g(mu_);
        auto it = ids_.find(s);
        if (it == ids_.end()) {
            it = ids_.emplace(s, static_cast<long>(ids_.size() + 1)).first;
        }
        return it->second;
    }
    // Stops recording; with settleMs >= 0, first waits for settleMs without an event and writes the
    // end marker.
    void end(long settleMs) {
        std::unique_lock<std::mutex> g(mu_);
        if (settleMs >= 0) {
            while (Clock::now() - last_ < std::chrono::milliseconds(settleMs)) {
                auto wait = last_ + std::chrono::milliseconds(settleMs) - Clock::now();
                g.unlock();
                std::this_thread::sleep_for(wait);
                g.lock();
            }
            std::fprintf(out_, "{\"event\":\"end\",\"settleMs\":%ld}\n", settleMs);
        }
        closed_ = true;
        std::fflush(out_);
    }
    long events() {
        std::lock_guard<std::mutex> g(mu_);
        return events_;
    }

private:
    void write(const std::string& line) {
        std::lock_guard<std::mutex> g(mu_);
        if (closed_) {
            return;
        }
        std::fputs(line.c_str(), out_);
        std::fputc('\n', out_);
        std::fflush(out_);
        events_++;
        last_ = Clock::now();
    }

    std::FILE* out_;
    std::mutex mu_;
    std::map<MediaSample*, long> ids_;
    bool closed_ = false;
    long events_ = 0;
    Clock::time_point last_ = Clock::now();
};

std::string props(const AllocatorProperties& p) {
    std::ostringstream o;
    o << "{\"cBuffers\":" << p.cBuffers << ",\"cbBuffer\":" << p.cbBuffer << ",\"cbAlign\":" << p.cbAlign
      << ",\"cbPrefix\":" << p.cbPrefix << "}";
    return o.str();
}

// One worker thread: `ops` random calls, then it releases what it holds.
class Worker {
public:
    Worker(std::string name, MemAllocator* a, Log& log, std::uint64_t seed, long ops)
        : name_(std::move(name)), a_(a), log_(log), random_(seed), ops_(ops) {}

    void run() {
        if (name_ == "t1") {
            setProperties({2, 100, 8, 0});
            commit();
        }
        for (long i = 0; i < ops_; i++) {
            int choice = pick(100);
            if (choice < 40) {
                getBuffer();
            } else if (choice < 65 && !held_.empty()) {
                release(pick(static_cast<int>(held_.size())));
            } else if (choice < 72 && !held_.empty()) {
                addRef(pick(static_cast<int>(held_.size())));
            } else if (choice < 80) {
                commit();
            } else if (choice < 86) {
                decommit();
            } else if (choice < 96) {
                setProperties({1 + pick(3), pick(200) - 10, pick(10) == 0 ? 3 : 1 << pick(5), pick(3) == 0 ? pick(8) : 0});
            } else {
                getProperties();
            }
        }
        while (!held_.empty()) {
            release(0);
        }
    }

private:
    std::string name_;
    MemAllocator* a_;
    Log& log_;
    std::mt19937_64 random_;
    long ops_;
    std::vector<MediaSample*> held_;  // one entry per reference this worker holds

    int pick(int n) { return static_cast<int>(random_() % static_cast<std::uint64_t>(n)); }

    void setProperties(AllocatorProperties request) {
        log_.call(name_, "SetProperties", ",\"request\":" + props(request));
        AllocatorProperties actual;
        HRESULT hr = a_->SetProperties(&request, &actual);
        log_.ret(name_, "SetProperties", hr, hr == S_OK ? ",\"props\":" + props(actual) : "");
    }
    void getProperties() {
        log_.call(name_, "GetProperties", "");
        AllocatorProperties p;
        HRESULT hr = a_->GetProperties(&p);
        log_.ret(name_, "GetProperties", hr, hr == S_OK ? ",\"props\":" + props(p) : "");
    }
    void commit() {
        log_.call(name_, "Commit", "");
        log_.ret(name_, "Commit", a_->Commit(), "");
    }
    void decommit() {
        log_.call(name_, "Decommit", "");
        log_.ret(name_, "Decommit", a_->Decommit(), "");
    }
    void getBuffer() {
        int kind = held_.empty() ? pick(3) : 1 + pick(2);  // 0 blocking (only with nothing held), 1 NOWAIT, 2 timed
        std::uint32_t flags = kind == 1 ? AM_GBF_NOWAIT : static_cast<std::uint32_t>(pick(4) == 0 ? 3 : 0);
        long timeoutMs = pick(5);
        log_.call(name_, "GetBuffer", ",\"flags\":" + std::to_string(flags)
                  + (kind == 2 ? ",\"timeoutMs\":" + std::to_string(timeoutMs) : ""));
        MediaSample* s = nullptr;
        HRESULT hr = kind == 2 ? a_->GetBufferTimed(&s, flags, timeoutMs) : a_->GetBuffer(&s, nullptr, nullptr, flags);
        log_.ret(name_, "GetBuffer", hr, hr == S_OK ? ",\"sample\":" + std::to_string(log_.id(s)) : "");
        if (hr == S_OK) {
            held_.push_back(s);
        }
    }
    void addRef(int i) {
        MediaSample* s = held_[i];
        long id = log_.id(s);
        log_.call(name_, "AddRef", ",\"sample\":" + std::to_string(id));
        unsigned long refs = s->AddRef();
        log_.ret(name_, "AddRef", S_OK, ",\"refs\":" + std::to_string(refs));
        held_.push_back(s);
    }
    void release(int i) {
        MediaSample* s = held_[i];
        held_.erase(held_.begin() + i);
        long id = log_.id(s);  // before the call: a final Release may free the sample
        log_.call(name_, "Release", ",\"sample\":" + std::to_string(id));
        unsigned long refs = s->Release();
        log_.ret(name_, "Release", S_OK, ",\"refs\":" + std::to_string(refs));
    }
};

}  // namespace

int main(int argc, char** argv) {
    std::string out;
    int threads = 4;
    long ops = 2000, patienceMs = 20000, settleMs = 300;
    std::uint64_t seed = 1;
    bool endMarker = false;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        bool hasValue = i + 1 < argc;
        if (a == "--out" && hasValue) {
            out = argv[++i];
        } else if (a == "--threads" && hasValue) {
            threads = std::stoi(argv[++i]);
        } else if (a == "--ops" && hasValue) {
            ops = std::stol(argv[++i]);
        } else if (a == "--seed" && hasValue) {
            seed = std::stoull(argv[++i]);
        } else if (a == "--patience-ms" && hasValue) {
            patienceMs = std::stol(argv[++i]);
        } else if (a == "--settle-ms" && hasValue) {
            settleMs = std::stol(argv[++i]);
        } else if (a == "--end-marker") {
            endMarker = true;
        } else {
            std::cerr << "usage: record_history --out FILE [--threads N] [--ops N] [--seed N] [--patience-ms N]"
                         " [--end-marker] [--settle-ms N]\n";
            return 2;
        }
    }
    if (out.empty() || threads < 1 || ops < 1) {
        std::cerr << "record_history: --out FILE is required; --threads and --ops must be at least 1\n";
        return 2;
    }
    std::FILE* file = std::fopen(out.c_str(), "w");
    if (file == nullptr) {
        std::cerr << "record_history: cannot write " << out << "\n";
        return 2;
    }
    MemAllocator* allocator = MemAllocator::Create();
    Log log(file);
    std::vector<std::unique_ptr<Worker>> workers;
    std::vector<std::thread> running;
    std::mutex doneMu;
    std::condition_variable doneCv;
    int done = 0;
    for (int t = 1; t <= threads; t++) {
        workers.push_back(std::make_unique<Worker>("t" + std::to_string(t), allocator, log, seed * 7919 + t,
                                                   ops / threads + (t <= ops % threads ? 1 : 0)));
        Worker* w = workers.back().get();
        running.emplace_back([w, &doneMu, &doneCv, &done] {
            w->run();
            std::lock_guard<std::mutex> g(doneMu);
            done++;
            doneCv.notify_all();
        });
    }
    bool finished;
    {
        std::unique_lock<std::mutex> g(doneMu);
        finished = doneCv.wait_for(g, std::chrono::milliseconds(patienceMs), [&] { return done == threads; });
    }
    log.end(endMarker ? settleMs : -1);
    std::cout << "recorded " << log.events() << " events from " << threads << " threads"
              << (finished ? "" : "; some calls never returned (left pending)") << std::endl;
    if (!finished) {
        std::fflush(nullptr);
        _exit(1);  // threads stuck in a call cannot be joined
    }
    for (auto& t : running) {
        t.join();
    }
    allocator->Close();  // not recorded: the recording has ended
    allocator->Release();
    std::fclose(file);
    return 0;
}
