#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <cstdint>

namespace pygmi::server {

// What an erasure removed, summed over every area; it becomes part of the signed receipt.
struct ErasureReport
{
    QMap<QString, std::int64_t> rows; // table -> rows deleted
    std::int64_t files = 0; // blobs, thumbnails, exports and mails removed from the data directory
    QStringList notes;
};

// One feature area's "delete everything of user X": its rows and the files that only those rows
// used. Areas register an eraser with AccountErasure in ServerApp; account deletion runs them all,
// then deletes the account row itself (which cascades to whatever is left).
class AccountEraser
{
public:
    virtual ~AccountEraser() = default;
    virtual QString area() const = 0;
    // Runs on a worker thread with its own database connection. Throws on failure; the erasure
    // is then retried later (the account stays scheduled).
    virtual void erase(const QString &userId, ErasureReport &report) = 0;
};

} // namespace pygmi::server
