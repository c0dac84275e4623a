def test_login_page_renders_in_dutch(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Inloggen" in response.text
