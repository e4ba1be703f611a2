#pragma once

#include "privacy/PrivacyNotice.h"

#include <QDialog>
#include <QMap>
#include <QStringList>

class QCheckBox;
class QPushButton;

namespace pygmi::ui {

// The consent question. Every optional purpose is shown with the server notice's title and
// description and starts switched off; "Strictly necessary" is shown switched on and locked.
// "Accept all", "Reject all" and "Save my choices" sit side by side with the same size and
// style, none of them the default. Closing the dialog any way counts as "Reject all".
// When only some purposes changed (a material notice change), only those are asked.
class ConsentDialog : public QDialog
{
    Q_OBJECT

public:
    ConsentDialog(const core::PrivacyNotice &notice, const QStringList &purposes, bool firstRun,
                  QWidget *parent = nullptr);

    QStringList purposes() const { return m_purposes; }

    void done(int result) override;

Q_SIGNALS:
    // Exactly once: method is accept_all | reject_all | save_choices | dismiss.
    void answered(const QMap<QString, bool> &choices, const QString &method);

private:
    void finish(const QString &method);

    QStringList m_purposes;
    QMap<QString, QCheckBox *> m_boxes;
    bool m_answered = false;
};

} // namespace pygmi::ui
