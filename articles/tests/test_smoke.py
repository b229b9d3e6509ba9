from articles.tests.factories import ArticlePageFactory


def test_article_page_is_served(client, site_tree):
    article = ArticlePageFactory(parent=site_tree["sections"][0])
    response = client.get(article.url)
    assert response.status_code == 200
