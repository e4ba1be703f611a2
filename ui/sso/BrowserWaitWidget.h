#pragma once

#include <QFrame>
#include <QPointer>
#include <QTimer>

class QLabel;
class QLineEdit;
class QPushButton;

namespace pygmi::core {
class SsoSignIn;
}

namespace pygmi::ui {

// What the app shows while the person signs in in the browser: where to look, the time left,
// the link to copy when no browser opened, and Cancel.
class BrowserWaitWidget : public QFrame
{
    Q_OBJECT

public:
    explicit BrowserWaitWidget(const QString &objectNamePrefix, QWidget *parent = nullptr);

    // Follows this sign-in until it ends; hides itself then.
    void follow(core::SsoSignIn *signIn, const QString &providerName);

Q_SIGNALS:
    // Shown, hidden, or its text changed size: containers may need to lay out again.
    void layoutChanged();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void update();
    void fitStatus();

    QPointer<core::SsoSignIn> m_signIn;
    QString m_provider;
    QLabel *m_status;
    QLabel *m_countdown;
    QWidget *m_linkRow;
    QLineEdit *m_link;
    QPushButton *m_copy;
    QPushButton *m_showLink;
    QPushButton *m_cancel;
    QTimer m_tick;
    qint64 m_deadline = 0;
};

} // namespace pygmi::ui
