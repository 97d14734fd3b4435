// json.hpp: the smallest JSON reader the vector runner needs (objects, arrays, strings without
// \u escapes beyond ASCII, 64-bit integers, booleans, null), and a string escaper for the recorder.
// A port in another language uses its standard JSON library instead.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace json {

struct Value {
    enum class Kind { Null, Bool, Int, String, Array, Object } kind = Kind::Null;
    bool b = false;
    std::int64_t i = 0;
    std::string s;
    std::vector<Value> items;
    std::map<std::string, Value> fields;

    bool has(const std::string& key) const { return kind == Kind::Object && fields.count(key) != 0; }
    const Value& operator[](const std::string& key) const {
        static const Value null;
        auto it = fields.find(key);
        return it == fields.end() ? null : it->second;
    }
    bool isNull() const { return kind == Kind::Null; }
};

class Parser {
public:
    explicit Parser(const std::string& text) : t_(text) {}

    Value parse() {
        Value v = value();
        space();
        if (p_ != t_.size()) {
            fail("trailing characters");
        }
        return v;
    }

private:
    const std::string& t_;
    std::size_t p_ = 0;

    [[noreturn]] void fail(const char* what) {
        throw std::runtime_error(std::string("JSON: ") + what + " at offset " + std::to_string(p_));
    }
    void space() {
        while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\n' || t_[p_] == '\r' || t_[p_] == '\t')) {
            p_++;
        }
    }
    bool literal(const char* word) {
        std::string w(word);
        if (t_.compare(p_, w.size(), w) == 0) {
            p_ += w.size();
            return true;
        }
        return false;
    }
    Value value() {
        space();
        if (p_ >= t_.size()) {
            fail("unexpected end");
        }
        Value v;
        char c = t_[p_];
        if (c == '{') {
            v.kind = Value::Kind::Object;
            p_++;
            space();
            if (t_[p_] == '}') {
                p_++;
                return v;
            }
            while (true) {
                space();
                std::string key = string();
                space();
                if (t_[p_++] != ':') {
                    fail("':' expected");
                }
                v.fields[key] = value();
                space();
                char d = t_[p_++];
                if (d == '}') {
                    return v;
                }
                if (d != ',') {
                    fail("',' or '}' expected");
                }
            }
        }
        if (c == '[') {
            v.kind = Value::Kind::Array;
            p_++;
            space();
            if (t_[p_] == ']') {
                p_++;
                return v;
            }
            while (true) {
                v.items.push_back(value());
                space();
                char d = t_[p_++];
                if (d == ']') {
                    return v;
                }
                if (d != ',') {
                    fail("',' or ']' expected");
                }
            }
        }
        if (c == '"') {
            v.kind = Value::Kind::String;
            v.s = string();
            return v;
        }
        if (literal("true")) {
            v.kind = Value::Kind::Bool;
            v.b = true;
            return v;
        }
        if (literal("false")) {
            v.kind = Value::Kind::Bool;
            return v;
        }
        if (literal("null")) {
            return v;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            std::size_t end = p_ + 1;
            while (end < t_.size() && t_[end] >= '0' && t_[end] <= '9') {
                end++;
            }
            v.kind = Value::Kind::Int;
            v.i = std::stoll(t_.substr(p_, end - p_));
            p_ = end;
            return v;
        }
        fail("unexpected character");
    }
    std::string string() {
        if (t_[p_++] != '"') {
            fail("'\"' expected");
        }
        std::string out;
        while (p_ < t_.size() && t_[p_] != '"') {
            char c = t_[p_++];
            if (c == '\\') {
                char e = t_[p_++];
                switch (e) {
                    case 'n': out += '\n'; break;
                    case 't': out += '\t'; break;
                    case 'r': out += '\r'; break;
                    case 'u': out += static_cast<char>(std::stoi(t_.substr(p_, 4), nullptr, 16)); p_ += 4; break;
                    default: out += e;
                }
            } else {
                out += c;
            }
        }
        if (p_ >= t_.size()) {
            fail("unterminated string");
        }
        p_++;
        return out;
    }
};

inline Value parse(const std::string& text) {
    return Parser(text).parse();
}

// "text" with quotes and backslashes escaped, for writing JSON.
inline std::string quote(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace json
