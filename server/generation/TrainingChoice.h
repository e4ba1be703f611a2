#pragma once

#include <QString>

namespace pygmi::server {

// THE one place that decides whether a user's new content may be used for training. Every asset
// is stamped excluded_from_training = !TrainingChoice::optedIn(user) when it is created.
// Until the consent feature records a real choice, nobody has opted in, so everything is excluded.
class TrainingChoice
{
public:
    static bool optedIn(const QString &userId);
};

} // namespace pygmi::server
