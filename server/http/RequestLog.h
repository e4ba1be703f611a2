#pragma once

#include <QString>
#include <cstdio>
#include <mutex>
#include <string_view>

namespace pygmi::server {

// --request-log FILE: one line per request with the time, method, path and the Sec-GPC header,
// so a test (or an auditor) can see what reached the server. Never bodies, queries or tokens.
class RequestLog
{
public:
    RequestLog() = default;
    ~RequestLog();
    RequestLog(const RequestLog &) = delete;
    RequestLog &operator=(const RequestLog &) = delete;

    bool open(const QString &path, QString *error);
    bool isOpen() const { return m_file != nullptr; }
    // Called from io threads.
    void record(std::string_view method, std::string_view path, std::string_view secGpc);

private:
    std::mutex m_mutex;
    std::FILE *m_file = nullptr;
};

} // namespace pygmi::server
