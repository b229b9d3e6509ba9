"""Comment URLs, outside i18n_patterns (posting works the same from either edition)."""

from django.urls import path

from . import views

urlpatterns = [
    path("post/", views.post_comment, name="comments-post-comment"),
    # The form's CSRF token, timestamp and signature for a cached article page (comments.js asks).
    path("form-token/<int:article_id>/", views.form_token, name="comments-form-token"),
    # django-comments-xtd's XtdComment.get_reply_url() reverses this name.
    path("reply/<int:cid>/", views.reply, name="comments-xtd-reply"),
    # A comment's permalink (ReaderComment.get_absolute_url): to the page of comments that shows it.
    path("link/<int:pk>/", views.comment_permalink, name="comments-permalink"),
    path("report/<int:pk>/", views.report_comment, name="comments-report"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="comments-unsubscribe"),
]
