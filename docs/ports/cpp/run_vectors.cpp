// run_vectors: replays memallocator's conformance vectors (docs/vectors.schema.json) against the
// C++ port. The algorithm is that of PORTING.md section 4; it runs every family but `interrupt`
// (C++ threads cannot be interrupted): core, wakeall, timed (GetBufferTimed), hold (through the
// hold hooks), surface.
//
//   run_vectors [--patience-ms N] [--max-failures N] [--only PREFIX,...] [--every K] [-v] DIR
//
// Exit status: 0 every vector run passed, 1 some failed, 2 bad arguments or unreadable vectors.
//
// Evidence, never silence: a call "blocks" once its thread reported beforePark; a held call "was
// woken" once its thread is inside afterWake; a call that should return and does not within the
// patience fails the vector. Wakes of one step are an unordered set.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "json.hpp"
#include "memallocator.hpp"

using namespace memallocator;
using Clock = std::chrono::steady_clock;

namespace {

std::chrono::milliseconds patience{10000};
const std::set<std::string> FEATURES = {"timeout", "hold"};

struct Failure {
    std::string message;
};

// What a call ended with. hr is an HRESULT name ("S_FALSE" for a false Is*).
struct Outcome {
    std::string hr;
    enum class Kind { None, Props, Number, Time, Type, Sample } kind = Kind::None;
    AllocatorProperties props;
    long long number = 0;
    std::int64_t start = 0, end = 0;
    std::optional<std::string> type;
    MediaSample* sample = nullptr;
};

// One vector thread: makes its calls one at a time on an OS thread of its own. Everything but the
// thread itself is guarded by the Run's mutex.
struct Worker {
    std::string name;
    std::thread thread;
    std::thread::id id;
    std::function<Outcome()> job;
    bool quit = false;
    bool inCall = false;    // a call submitted and not yet returned
    bool returned = false;  // the last call returned: outcome is valid
    Outcome outcome;
    int parks = 0;          // beforePark reports during the current call
    bool inAfterWake = false;
    int permits = 0;        // let-go permits for afterWake (hold vectors)
};

std::string props(const AllocatorProperties& p) {
    std::ostringstream o;
    o << "{" << p.cBuffers << ", " << p.cbBuffer << ", " << p.cbAlign << ", " << p.cbPrefix << "}";
    return o.str();
}

AllocatorProperties props(const json::Value& v) {
    AllocatorProperties p;
    p.cBuffers = static_cast<std::int32_t>(v["cBuffers"].i);
    p.cbBuffer = static_cast<std::int32_t>(v["cbBuffer"].i);
    p.cbAlign = static_cast<std::int32_t>(v["cbAlign"].i);
    p.cbPrefix = static_cast<std::int32_t>(v["cbPrefix"].i);
    return p;
}

// The state of one vector's run; also the allocator's hold hooks.
class Run : public HoldHooks {
public:
    explicit Run(bool hold) : hold_(hold), allocator_(MemAllocator::Create()) { allocator_->SetHoldHooks(this); }

    void step(const json::Value& s);
    void finish();
    // Stops the workers; false if some call could not be made to return (its thread is abandoned).
    bool close(bool passed);

    void beforePark(std::thread::id thread) override {
        std::lock_guard<std::mutex> g(mu_);
        byId_.at(thread)->parks++;
        changed_.notify_all();
    }

    void afterWake(std::thread::id thread) override {
        std::unique_lock<std::mutex> g(mu_);
        Worker* w = byId_.at(thread);
        w->inAfterWake = true;
        changed_.notify_all();
        if (hold_) {
            changed_.wait(g, [&] { return w->permits > 0 || stopping_; });
            if (w->permits > 0) {
                w->permits--;
            }
        }
        w->inAfterWake = false;
        changed_.notify_all();
    }

private:
    const bool hold_;
    MemAllocator* const allocator_;
    std::mutex mu_;
    std::condition_variable changed_;
    bool stopping_ = false;
    std::vector<std::unique_ptr<Worker>> owned_;
    std::map<std::thread::id, Worker*> byId_;
    std::map<std::string, Worker*> threads_;  // vector thread name -> worker (renamed by wakes)
    std::map<std::string, int> blocked_;      // calls that should be blocked: thread name -> step
    std::map<std::string, MediaSample*> samples_;
    std::map<MediaSample*, std::string> names_;
    std::map<MediaSample*, unsigned long> refs_;  // the counts the port reported, for the clean-up

    Worker* worker(const std::string& name);
    void call(const json::Value& s, const std::string& thread);
    Outcome invoke(const std::string& op, const json::Value& args, MediaSample* sample);
    bool waitFor(std::unique_lock<std::mutex>& g, const std::function<bool()>& done) {
        return changed_.wait_until(g, Clock::now() + patience, done);
    }
    void wakes(const json::Value& list);
    void heldWakes(std::vector<const json::Value*> pending);
    void matchReturn(std::vector<const json::Value*>& pending, const std::string& returned);
    void recheck(const std::string& thread);
    void check(const json::Value& expect, const Outcome& got);
    void bind(const json::Value& expect, MediaSample* got);
    void rebind(const std::string& name, MediaSample* s);
    std::string describe(const Outcome& o);
};

Worker* Run::worker(const std::string& name) {
    auto it = threads_.find(name);
    if (it != threads_.end()) {
        return it->second;
    }
    owned_.push_back(std::make_unique<Worker>());
    Worker* w = owned_.back().get();
    w->name = name;
    std::unique_lock<std::mutex> g(mu_);
    w->thread = std::thread([this, w] {
        std::unique_lock<std::mutex> l(mu_);
        while (true) {
            changed_.wait(l, [w] { return w->job || w->quit; });
            if (!w->job) {
                return;
            }
            auto job = std::move(w->job);
            w->job = nullptr;
            l.unlock();
            Outcome o = job();
            l.lock();
            w->outcome = o;
            w->inCall = false;
            w->returned = true;
            changed_.notify_all();
        }
    });
    w->id = w->thread.get_id();
    byId_[w->id] = w;
    threads_[name] = w;
    return w;
}

void Run::step(const json::Value& s) {
    std::string thread = s["thread"].s;
    std::string op = s["op"].s;
    if (blocked_.count(thread)) {
        throw Failure{thread + " is still blocked in its call of step " + std::to_string(blocked_[thread])};
    }
    if (op == "Recheck") {
        recheck(s["args"]["thread"].s);
    } else if (op != "Let") {  // Let: its wakes let the held threads go
        call(s, thread);
    }
    if (s.has("wakes")) {
        wakes(s["wakes"]);
    }
    std::lock_guard<std::mutex> g(mu_);
    for (auto& b : blocked_) {
        Worker* w = threads_[b.first];
        if (w->returned) {
            throw Failure{"the call of " + b.first + " (step " + std::to_string(b.second) + ") returned "
                          + describe(w->outcome) + ", but it should still be blocked"};
        }
    }
}

// Makes the step's call on its thread; checks that it returns as expected, or that it parks.
void Run::call(const json::Value& s, const std::string& thread) {
    const json::Value& args = s["args"];
    const json::Value& expect = s["expect"];
    std::string op = s["op"].s;
    MediaSample* sample = nullptr;
    if (args.has("sample")) {
        auto it = samples_.find(args["sample"].s);
        if (it == samples_.end()) {
            throw Failure{"no sample is named " + args["sample"].s};
        }
        sample = it->second;
    }
    Worker* w = worker(thread);
    std::unique_lock<std::mutex> g(mu_);
    w->returned = false;
    w->inCall = true;
    w->parks = 0;
    w->job = [this, op, args, sample] { return invoke(op, args, sample); };
    changed_.notify_all();
    if (expect.has("blocks")) {
        if (!waitFor(g, [w] { return w->parks > 0 || w->returned; })) {
            throw Failure{"neither returned nor parked within the patience"};
        }
        if (w->returned) {
            throw Failure{"returned " + describe(w->outcome) + " instead of blocking"};
        }
        blocked_[thread] = static_cast<int>(s["step"].i);
        return;
    }
    if (!waitFor(g, [w] { return w->returned; })) {
        throw Failure{"the call did not return within the patience"};
    }
    Outcome o = w->outcome;
    g.unlock();
    check(expect, o);
    if (o.kind == Outcome::Kind::Number && (op == "AddRef" || op == "Release")) {
        refs_[sample] = static_cast<unsigned long>(o.number);  // for the clean-up
    }
    if (expect["allocates"].b) {  // a new commit cycle: every name unbound
        samples_.clear();
        names_.clear();
        refs_.clear();
    }
}

// The step's wakes, an unordered set: each returned call is checked against its own wake.
void Run::wakes(const json::Value& list) {
    std::vector<const json::Value*> pending;
    for (const json::Value& wake : list.items) {
        pending.push_back(&wake);
        std::vector<std::string> candidates{wake["thread"].s};
        for (const json::Value& o : wake["or"].items) {
            candidates.push_back(o.s);
        }
        for (const std::string& c : candidates) {
            if (!blocked_.count(c)) {
                throw Failure{c + " should be blocked, but it is not"};
            }
        }
    }
    if (hold_) {
        heldWakes(pending);
        return;
    }
    std::unique_lock<std::mutex> g(mu_);
    while (!pending.empty()) {
        std::string returned;
        bool ok = waitFor(g, [&] {
            for (auto& b : blocked_) {
                if (threads_[b.first]->returned) {
                    returned = b.first;
                    return true;
                }
            }
            return false;
        });
        if (!ok) {
            throw Failure{"the blocked call of " + (*pending[0])["thread"].s + " did not return"};
        }
        g.unlock();
        matchReturn(pending, returned);
        g.lock();
    }
}

// Hold vectors: lets woken-and-held candidates go, one at a time, until every wake has returned. A
// candidate let go that parks again was not woken (or lost the race): it is held again.
void Run::heldWakes(std::vector<const json::Value*> pending) {
    auto deadline = Clock::now() + patience;
    std::unique_lock<std::mutex> g(mu_);
    while (!pending.empty()) {
        Worker* chosen = nullptr;
        std::string chosenName;
        auto pick = [&] {
            for (int pass = 0; pass < 2 && !chosen; pass++) {  // the named threads first, then the `or` ones
                for (const json::Value* wake : pending) {
                    std::vector<std::string> names{(*wake)["thread"].s};
                    if (pass == 1) {
                        names.clear();
                        for (const json::Value& o : (*wake)["or"].items) {
                            names.push_back(o.s);
                        }
                    }
                    for (const std::string& n : names) {
                        Worker* w = threads_[n];
                        if (w->inAfterWake && w->permits == 0) {
                            chosen = w;
                            chosenName = n;
                            return true;
                        }
                    }
                }
            }
            return chosen != nullptr;
        };
        if (!changed_.wait_until(g, deadline, pick)) {
            throw Failure{"the held call of " + (*pending[0])["thread"].s
                          + " was never woken: no wake-up reached it (nothing reported afterWake)"};
        }
        int parks = chosen->parks;
        chosen->permits++;
        changed_.notify_all();
        if (!waitFor(g, [&] { return chosen->returned || chosen->parks > parks; })) {
            throw Failure{"let go, the call of " + chosenName + " neither returned nor parked again"};
        }
        if (chosen->returned) {
            g.unlock();
            matchReturn(pending, chosenName);
            g.lock();
        }
    }
}

// The blocked call of `returned` returned: checks it against its own wake (or one whose `or` names
// it, and then the two thread names are swapped for the rest of the vector).
void Run::matchReturn(std::vector<const json::Value*>& pending, const std::string& returned) {
    auto it = std::find_if(pending.begin(), pending.end(),
                           [&](const json::Value* w) { return (*w)["thread"].s == returned; });
    if (it == pending.end()) {
        it = std::find_if(pending.begin(), pending.end(), [&](const json::Value* w) {
            for (const json::Value& o : (*w)["or"].items) {
                if (o.s == returned) {
                    return true;
                }
            }
            return false;
        });
    }
    if (it == pending.end()) {
        throw Failure{"the call of " + returned + " (step " + std::to_string(blocked_[returned]) + ") returned "
                      + describe(threads_[returned]->outcome) + ", but no wake of this step names it"};
    }
    const json::Value& wake = **it;
    pending.erase(it);
    std::string named = wake["thread"].s;
    if (named != returned) {  // another waiter returned: the two are interchangeable
        std::swap(threads_[named], threads_[returned]);
        std::swap(blocked_[named], blocked_[returned]);
    }
    blocked_.erase(named);
    Outcome o;
    {
        std::lock_guard<std::mutex> g(mu_);
        o = threads_[named]->outcome;
    }
    check(wake, o);
}

// Recheck: the held, woken call of `thread` is let go; it must find nothing it may take and park
// again (a new beforePark, the call not returned). It stays held.
void Run::recheck(const std::string& thread) {
    if (!hold_ || !blocked_.count(thread)) {
        throw Failure{"Recheck: " + thread + " has no held call"};
    }
    Worker* w = threads_[thread];
    std::unique_lock<std::mutex> g(mu_);
    if (!waitFor(g, [w] { return (w->inAfterWake && w->permits == 0) || w->returned; })) {
        throw Failure{"Recheck: the held call of " + thread + " was never woken (nothing reported afterWake)"};
    }
    int parks = w->parks;
    w->permits++;
    changed_.notify_all();
    if (!waitFor(g, [&] { return w->returned || w->parks > parks; })) {
        throw Failure{"Recheck: let go, the call of " + thread + " neither returned nor parked again"};
    }
    if (w->returned) {
        throw Failure{"Recheck: the call of " + thread + " returned " + describe(w->outcome)
                      + ", but it must wait again (it must re-check in a while loop)"};
    }
}

void Run::finish() {
    if (!blocked_.empty()) {
        throw Failure{"calls still blocked at the end: " + blocked_.begin()->first};
    }
}

// ------------------------------------------------------------ the calls

Outcome Run::invoke(const std::string& op, const json::Value& args, MediaSample* s) {
    Outcome o;
    HRESULT hr = S_OK;
    MemAllocator* a = allocator_;
    if (op == "SetProperties") {
        AllocatorProperties request = props(args["request"]);
        hr = a->SetProperties(&request, &o.props);
        o.kind = Outcome::Kind::Props;
    } else if (op == "GetProperties") {
        hr = a->GetProperties(&o.props);
        o.kind = Outcome::Kind::Props;
    } else if (op == "Commit") {
        hr = a->Commit();
    } else if (op == "Decommit") {
        hr = a->Decommit();
    } else if (op == "Close") {
        hr = a->Close();
    } else if (op == "GetBuffer") {
        auto flags = static_cast<std::uint32_t>(args["flags"].i);
        if (args.has("timeoutMs")) {
            hr = a->GetBufferTimed(&o.sample, flags, args["timeoutMs"].i);
        } else if (args.has("startTime")) {
            REFERENCE_TIME start = args["startTime"].i, end = args["endTime"].i;
            hr = a->GetBuffer(&o.sample, &start, &end, flags);
        } else {
            hr = a->GetBuffer(&o.sample, nullptr, nullptr, flags);
        }
        o.kind = Outcome::Kind::Sample;
    } else if (op == "AddRef" || op == "Release") {
        o.number = static_cast<long long>(op == "AddRef" ? s->AddRef() : s->Release());
        o.kind = Outcome::Kind::Number;
    } else if (op == "GetSize" || op == "GetActualDataLength") {
        o.number = op == "GetSize" ? s->GetSize() : s->GetActualDataLength();
        o.kind = Outcome::Kind::Number;
    } else if (op == "SetActualDataLength") {
        hr = s->SetActualDataLength(static_cast<long>(args["length"].i));
    } else if (op == "GetTime" || op == "GetMediaTime") {
        hr = op == "GetTime" ? s->GetTime(&o.start, &o.end) : s->GetMediaTime(&o.start, &o.end);
        o.kind = Outcome::Kind::Time;
    } else if (op == "SetTime" || op == "SetMediaTime") {
        std::int64_t start = args["start"].i, end = args["end"].i;
        const std::int64_t* ps = args["start"].isNull() ? nullptr : &start;
        const std::int64_t* pe = args["end"].isNull() ? nullptr : &end;
        hr = op == "SetTime" ? s->SetTime(ps, pe) : s->SetMediaTime(ps, pe);
    } else if (op == "IsSyncPoint") {
        hr = s->IsSyncPoint();
    } else if (op == "SetSyncPoint") {
        hr = s->SetSyncPoint(args["value"].b);
    } else if (op == "IsPreroll") {
        hr = s->IsPreroll();
    } else if (op == "SetPreroll") {
        hr = s->SetPreroll(args["value"].b);
    } else if (op == "IsDiscontinuity") {
        hr = s->IsDiscontinuity();
    } else if (op == "SetDiscontinuity") {
        hr = s->SetDiscontinuity(args["value"].b);
    } else if (op == "GetMediaType") {
        hr = s->GetMediaType(&o.type);
        o.kind = Outcome::Kind::Type;
    } else if (op == "SetMediaType") {
        const json::Value& t = args["mediaType"];
        hr = s->SetMediaType(t.isNull() ? nullptr : &t.s);
    } else {
        o.hr = "unknown op " + op;
        return o;
    }
    o.hr = hresultName(hr);
    return o;
}

// ------------------------------------------------------------ checking an outcome

void Run::check(const json::Value& expect, const Outcome& got) {
    if (expect["hr"].s != got.hr) {
        throw Failure{"expected " + expect["hr"].s + ", got " + describe(got)};
    }
    auto requireEqual = [](const std::string& what, long long want, long long have) {
        if (want != have) {
            throw Failure{"expected " + what + " " + std::to_string(want) + ", got " + std::to_string(have)};
        }
    };
    if (expect.has("props") && !(props(expect["props"]) == got.props)) {
        throw Failure{"expected properties " + props(props(expect["props"])) + ", got " + props(got.props)};
    }
    for (const char* field : {"refs", "size", "length"}) {
        if (expect.has(field)) {
            requireEqual(field, expect[field].i, got.number);
        }
    }
    if (expect.has("start")) {
        requireEqual("start", expect["start"].i, got.start);
        requireEqual("end", expect["end"].i, got.end);
    }
    if (expect.has("mediaType") && got.type != std::optional<std::string>(expect["mediaType"].s)) {
        throw Failure{"expected media type " + expect["mediaType"].s + ", got " + got.type.value_or("none")};
    }
    if (expect.has("sample")) {
        bind(expect, got.sample);
        refs_[got.sample] = 1;
    }
}

// Binds the sample a GetBuffer returned to the vector's name (PORTING.md section 4, "Sample names").
void Run::bind(const json::Value& expect, MediaSample* got) {
    if (got == nullptr) {
        throw Failure{"GetBuffer returned S_OK and no sample"};
    }
    std::string want = expect["sample"].s;
    std::vector<std::string> free;
    for (const json::Value& f : expect["free"].items) {
        free.push_back(f.s);
    }
    auto isFree = [&](const std::string& n) { return std::find(free.begin(), free.end(), n) != free.end(); };
    auto bound = names_.find(got);
    if (bound != names_.end()) {
        std::string name = bound->second;
        if (!isFree(name)) {
            throw Failure{"returned sample " + name + ", which is not free: a sample handed out twice?"};
        }
        if (name != want) {  // two free samples: interchangeable
            auto other = samples_.find(want);
            rebind(name, other == samples_.end() ? nullptr : other->second);
            rebind(want, got);
        }
        return;
    }
    auto previous = samples_.find(want);
    if (previous != samples_.end()) {  // the name's object is free and unseen here: an unbound free name
        auto spare = std::find_if(free.begin(), free.end(), [&](const std::string& f) { return !samples_.count(f); });
        if (spare == free.end()) {
            throw Failure{"returned a sample not seen in this commit cycle, but every free sample is known"};
        }
        rebind(*spare, previous->second);
    }
    rebind(want, got);
}

void Run::rebind(const std::string& name, MediaSample* s) {
    if (s == nullptr) {
        samples_.erase(name);
        return;
    }
    samples_[name] = s;
    names_[s] = name;
}

std::string Run::describe(const Outcome& o) {
    std::string text = o.hr;
    if (o.kind == Outcome::Kind::Sample && o.sample != nullptr) {
        auto n = names_.find(o.sample);
        text += n == names_.end() ? " with a sample not seen in this cycle" : " with sample " + n->second;
    } else if (o.kind == Outcome::Kind::Number) {
        text += " with " + std::to_string(o.number);
    } else if (o.kind == Outcome::Kind::Props && o.hr == "S_OK") {
        text += " with " + props(o.props);
    }
    return text;
}

// Lets every held call go, wakes the parked ones (Close decommits), and joins the workers. After a
// passed vector the samples still out are released, so that a sound port frees everything.
bool Run::close(bool passed) {
    {
        std::lock_guard<std::mutex> g(mu_);
        stopping_ = true;
        changed_.notify_all();
    }
    allocator_->Close();
    bool allReturned;
    {
        std::unique_lock<std::mutex> g(mu_);
        allReturned = changed_.wait_for(g, std::chrono::seconds(1), [this] {
            for (auto& w : owned_) {
                if (w->inCall) {
                    return false;
                }
            }
            return true;
        });
        for (auto& w : owned_) {
            w->quit = true;
        }
        changed_.notify_all();
    }
    if (!allReturned) {  // a call that never returns: abandon its thread, leak the allocator
        for (auto& w : owned_) {
            w->thread.detach();
        }
        for (auto& w : owned_) {
            w.release();
        }
        return false;
    }
    for (auto& w : owned_) {
        w->thread.join();
    }
    if (passed) {
        for (auto& r : refs_) {
            for (unsigned long n = r.second; n > 0; n--) {
                r.first->Release();
            }
        }
        allocator_->SetHoldHooks(nullptr);
        allocator_->Release();
    }
    return true;
}

// ------------------------------------------------------------ main

struct Options {
    std::string dir;
    long maxFailures = -1;
    std::vector<std::string> only;
    long every = 1;
    bool verbose = false;
};

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::stringstream b;
    b << in.rdbuf();
    return b.str();
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "run_vectors: " << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--patience-ms") {
            patience = std::chrono::milliseconds(std::stol(next()));
        } else if (a == "--max-failures") {
            opt.maxFailures = std::stol(next());
        } else if (a == "--every") {
            opt.every = std::max(1L, std::stol(next()));
        } else if (a == "--only") {
            std::stringstream list(next());
            for (std::string p; std::getline(list, p, ',');) {
                opt.only.push_back(p);
            }
        } else if (a == "-v") {
            opt.verbose = true;
        } else if (opt.dir.empty() && a[0] != '-') {
            opt.dir = a;
        } else {
            std::cerr << "usage: run_vectors [--patience-ms N] [--max-failures N] [--only PREFIX,...] [--every K] [-v] DIR\n";
            return 2;
        }
    }
    if (opt.dir.empty()) {
        std::cerr << "usage: run_vectors [--patience-ms N] [--max-failures N] [--only PREFIX,...] [--every K] [-v] DIR\n";
        return 2;
    }
    json::Value index;
    try {
        index = json::parse(readFile(opt.dir + "/index.json"));
    } catch (const std::exception& e) {
        std::cerr << "run_vectors: not a vector set: " << e.what() << "\n";
        return 2;
    }
    long passed = 0, failed = 0, skipped = 0, abandoned = 0;
    std::map<std::string, long> seen;  // per family, for --every
    for (const json::Value& entry : index["vectors"].items) {
        std::string file = entry["file"].s;
        std::string family = file.substr(0, file.find('-'));
        if (!opt.only.empty() && std::none_of(opt.only.begin(), opt.only.end(),
                                              [&](const std::string& p) { return file.rfind(p, 0) == 0; })) {
            continue;
        }
        if (seen[family]++ % opt.every != 0) {
            continue;
        }
        json::Value vector;
        try {
            vector = json::parse(readFile(opt.dir + "/" + file));
        } catch (const std::exception& e) {
            std::cerr << "run_vectors: " << file << ": " << e.what() << "\n";
            return 2;
        }
        std::string name = vector["name"].s;
        std::string missing;
        bool hold = false;
        for (const json::Value& f : vector["requires"].items) {
            hold |= f.s == "hold";
            if (!FEATURES.count(f.s)) {
                missing = f.s;
            }
        }
        if (!missing.empty()) {
            skipped++;
            if (opt.verbose) {
                std::cout << "  skipped " << name << ": needs " << missing << "\n";
            }
            continue;
        }
        auto* run = new Run(hold);
        std::string failure;
        for (const json::Value& s : vector["steps"].items) {
            try {
                run->step(s);
            } catch (const Failure& f) {
                failure = "step " + std::to_string(s["step"].i) + " (" + s["thread"].s + " " + s["op"].s + "): "
                          + f.message;
                break;
            }
        }
        if (failure.empty()) {
            try {
                run->finish();
            } catch (const Failure& f) {
                failure = f.message;
            }
        }
        if (run->close(failure.empty())) {
            delete run;
        } else {
            abandoned++;  // leaked with its threads: they are stuck in a call
        }
        if (failure.empty()) {
            passed++;
            if (opt.verbose) {
                std::cout << "  passed " << name << "\n";
            }
        } else {
            failed++;
            std::cout << "  FAILED " << name << ": " << failure << std::endl;
            if (opt.maxFailures >= 0 && failed >= opt.maxFailures) {
                break;
            }
        }
    }
    std::cout << (passed + failed + skipped) << " vectors: " << passed << " passed, " << failed << " failed, "
              << skipped << " skipped" << (abandoned ? " (" + std::to_string(abandoned) + " left calls that never returned)" : "")
              << std::endl;
    if (failed > 0) {
        std::fflush(nullptr);
        _exit(1);  // a failed vector may leave calls stuck and memory leaked: no leak report
    }
    return 0;
}
