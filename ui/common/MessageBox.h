#pragma once

#include <QMessageBox>

#include <optional>

namespace pygmi::ui {

// Every modal message of the app goes through here, so that tests can answer it
// (setNextAnswer) instead of blocking on a dialog nobody can see.
class MessageBox
{
public:
    static QMessageBox::StandardButton question(QWidget *parent, const QString &title, const QString &text,
                                                QMessageBox::StandardButtons buttons,
                                                QMessageBox::StandardButton defaultButton);
    static void information(QWidget *parent, const QString &title, const QString &text);
    static void warning(QWidget *parent, const QString &title, const QString &text);

    // The next dialog returns `answer` at once without being shown.
    static void setNextAnswer(QMessageBox::StandardButton answer);
    // Text of the last dialog asked for (shown or answered by a test).
    static QString lastText();

private:
    static QMessageBox::StandardButton exec(QWidget *parent, QMessageBox::Icon icon, const QString &title,
                                            const QString &text, QMessageBox::StandardButtons buttons,
                                            QMessageBox::StandardButton defaultButton);
    static std::optional<QMessageBox::StandardButton> s_nextAnswer;
    static QString s_lastText;
};

} // namespace pygmi::ui
