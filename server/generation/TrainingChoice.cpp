#include "TrainingChoice.h"

#include "consent/ConsentEndpoints.h"

namespace pygmi::server {

TrainingChoice::TrainingChoice(const ConsentEndpoints *consent)
    : m_consent(consent)
{
}

bool TrainingChoice::optedIn(const QString &userId) const
{
    return m_consent && m_consent->isGrantedForAccount(userId, QStringLiteral("model_training"));
}

} // namespace pygmi::server
