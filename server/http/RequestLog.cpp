#include "RequestLog.h"

#include <QDateTime>
#include <QFile>
#include <string>

namespace pygmi::server {

RequestLog::~RequestLog()
{
    if (m_file)
        std::fclose(m_file);
}

bool RequestLog::open(const QString &path, QString *error)
{
    m_file = std::fopen(QFile::encodeName(path).constData(), "a");
    if (!m_file) {
        *error = QStringLiteral("cannot open the request log %1").arg(path);
        return false;
    }
    return true;
}

void RequestLog::record(std::string_view method, std::string_view path, std::string_view secGpc)
{
    if (!m_file)
        return;
    // Only printable characters of the header value: a client must not be able to forge lines.
    std::string gpc;
    for (char c : secGpc.substr(0, 16))
        gpc += (c > 32 && c < 127) ? c : '?';
    std::string safePath;
    for (char c : path.substr(0, 512))
        safePath += (c > 32 && c < 127) ? c : '?';
    const QByteArray time = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toLatin1();
    const std::lock_guard lock(m_mutex);
    std::fprintf(m_file, "%s %.*s %s sec-gpc=%s\n", time.constData(), int(method.size()), method.data(),
                 safePath.c_str(), gpc.empty() ? "-" : gpc.c_str());
    std::fflush(m_file);
}

} // namespace pygmi::server
