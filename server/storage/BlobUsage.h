#pragma once

#include <QString>

namespace pygmi::server {

class Database;

// Whether any row of any table still refers to a blob. Blobs are content-addressed and shared
// across tables (a generated picture uploaded again as a reference has the same bytes), so every
// collector asks this one question instead of looking at its own table only. Call it with
// BlobStore::lockReferences() held, together with the deletion it guards.
class BlobUsage
{
public:
    static bool inUse(const Database &database, const QString &sha256);
};

} // namespace pygmi::server
