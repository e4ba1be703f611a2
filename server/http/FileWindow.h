#pragma once

#include <boost/beast/core/file.hpp>
#include <cstdint>

namespace pygmi::server {

// A Beast File that shows only [offset, offset + length) of a file on disk, so that a Range
// answer streams straight from the file with http::basic_file_body instead of memory.
class FileWindow
{
public:
    using native_handle_type = boost::beast::file::native_handle_type;

    FileWindow() = default;
    FileWindow(FileWindow &&) = default;
    FileWindow &operator=(FileWindow &&) = default;

    void setWindow(std::uint64_t offset, std::uint64_t length)
    {
        m_offset = offset;
        m_length = length;
    }
    native_handle_type native_handle() const { return m_file.native_handle(); }
    bool is_open() const { return m_file.is_open(); }
    void close(boost::beast::error_code &ec) { m_file.close(ec); }
    void open(const char *path, boost::beast::file_mode mode, boost::beast::error_code &ec)
    {
        m_file.open(path, mode, ec);
        m_position = 0;
    }
    std::uint64_t size(boost::beast::error_code &ec) const
    {
        ec = {};
        return m_length;
    }
    std::uint64_t pos(boost::beast::error_code &ec) const
    {
        ec = {};
        return m_position;
    }
    void seek(std::uint64_t offset, boost::beast::error_code &ec)
    {
        m_position = offset;
        m_file.seek(m_offset + offset, ec);
    }
    std::size_t read(void *buffer, std::size_t n, boost::beast::error_code &ec)
    {
        if (m_position == 0) {
            m_file.seek(m_offset, ec);
            if (ec)
                return 0;
        }
        const std::uint64_t left = m_length - m_position;
        const std::size_t wanted = static_cast<std::size_t>(std::min<std::uint64_t>(n, left));
        const std::size_t got = m_file.read(buffer, wanted, ec);
        m_position += got;
        return got;
    }
    std::size_t write(const void *, std::size_t, boost::beast::error_code &ec)
    {
        ec = boost::beast::errc::make_error_code(boost::beast::errc::operation_not_permitted);
        return 0;
    }

private:
    boost::beast::file m_file;
    std::uint64_t m_offset = 0;
    std::uint64_t m_length = 0;
    std::uint64_t m_position = 0;
};

} // namespace pygmi::server
