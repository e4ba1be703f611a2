#pragma once

#include <QString>

namespace pygmi::server {

class ConsentEndpoints;

// THE one place that decides whether a user's new content may be used for training. Every asset
// is stamped excluded_from_training = !optedIn(user) when it is created. The answer is the
// account's model_training consent: granted, not stale after a material notice change and not
// expired. No consent service (or no choice at all) means "not opted in".
class TrainingChoice
{
public:
    explicit TrainingChoice(const ConsentEndpoints *consent = nullptr);

    bool optedIn(const QString &userId) const;

private:
    const ConsentEndpoints *m_consent;
};

} // namespace pygmi::server
