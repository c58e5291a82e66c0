def test_home_page_shows_get_help_now_link(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/help/"' in response.content
