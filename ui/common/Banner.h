#pragma once

#include <QFrame>

class QLabel;
class QPushButton;
class QHBoxLayout;

namespace pygmi::ui {

// A strip across the top of a window that says something the user should know now
// (the local server restarted, the keychain is unavailable, …), with optional actions.
class Banner : public QFrame
{
    Q_OBJECT

public:
    enum class Kind { Info, Success, Warning, Error };

    explicit Banner(const QString &objectName, QWidget *parent = nullptr);

    void showMessage(Kind kind, const QString &text);
    QString text() const;
    Kind kind() const { return m_kind; }
    void setDismissible(bool dismissible);
    // Adds an action button (objectName given); it stays until clearActions().
    QPushButton *addAction(const QString &objectName, const QString &text);
    void clearActions();

Q_SIGNALS:
    void dismissed();

private:
    void updateStyle();

    Kind m_kind = Kind::Info;
    QLabel *m_text;
    QHBoxLayout *m_actions;
    QPushButton *m_close;
};

} // namespace pygmi::ui
