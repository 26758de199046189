from django.urls import path

from commonplace.insights import views

app_name = "insights"
urlpatterns = [
    path("experts/", views.find_experts, name="experts"),
    path("constellation/", views.constellation, name="constellation"),
    path(
        "c/<slug:slug>/t/<int:thread_id>/suggested/",
        views.suggested_answerers,
        name="suggested_answerers",
    ),
    path(
        "c/<slug:slug>/t/<int:thread_id>/suggested/<str:username>/ask/",
        views.ask_suggested_answerer,
        name="ask_suggested_answerer",
    ),
    path("c/<slug:slug>/knowledge-map/", views.knowledge_map, name="knowledge_map"),
    path("c/<slug:slug>/knowledge-map.csv", views.knowledge_map_csv, name="knowledge_map_csv"),
]
