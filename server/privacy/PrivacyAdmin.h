#pragma once

#include <QStringList>

namespace pygmi::server {

class Database;
class PrivacyRequests;

// The operator's side of privacy requests, from the command line (pygmi-server admin ...):
//   review list | review resolve REQUEST upheld|overturned REVIEWER [NOTE...]
//   request list | request extend ID REASON... | request deny ID REASON... | request complete ID NOTE...
//   request ask ID QUESTION...
// Every action is recorded on the request's timeline with the reviewer's name.
class PrivacyAdmin
{
public:
    PrivacyAdmin(const Database &database, const PrivacyRequests &requests);
    // `arguments` start after "admin". Returns the process exit code.
    int run(const QStringList &arguments, qint64 nowMs) const;

private:
    int listRequests(const QString &type) const;
    int resolveReview(const QStringList &arguments, qint64 nowMs) const;
    int actOnRequest(const QString &action, const QStringList &arguments, qint64 nowMs) const;

    const Database &m_database;
    const PrivacyRequests &m_requests;
};

} // namespace pygmi::server
