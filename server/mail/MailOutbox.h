#pragma once

#include "common/Clock.h"

#include <QString>

namespace pygmi::server {

// Outgoing mail as RFC 5322 files in <data-dir>/outbox, one per message. No SMTP yet: a
// deployment (or a test) picks the files up from there.
class MailOutbox
{
public:
    MailOutbox(QString directory, const Clock &clock);

    // Writes atomically (temporary file, then rename) so a reader never sees half a message.
    // Throws std::runtime_error if the file cannot be written.
    void send(const QString &to, const QString &subject, const QString &body) const;

private:
    QString m_directory;
    const Clock &m_clock;
};

} // namespace pygmi::server
